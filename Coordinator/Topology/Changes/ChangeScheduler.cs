using Microsoft.Extensions.Options;
using PairDb.Coordinator.Options;
using Quartz;

namespace PairDb.Coordinator.Topology.Changes;

/// <summary>
/// One durable Quartz job per active change (key: the change id), with a trigger repeating every
/// RunInterval so a crashed or paused run is driven again, and recovery requested so a clustered
/// store re-fires it on another coordinator. Uses only the plain scheduler API, so it works with
/// the RAM store and the clustered ADO.NET store alike.
/// </summary>
public sealed class ChangeScheduler(ISchedulerFactory factory, IOptions<TopologyChangeOptions> options)
{
    public const string Group = "topology-changes";
    public const string ChangeIdKey = "change_id";

    public static JobKey KeyOf(string changeId) => new(changeId, Group);

    /// <summary>Creates the change's job if it has none; with <paramref name="runNow"/> also fires it at once.</summary>
    public async Task EnsureScheduledAsync(string changeId, bool runNow, CancellationToken cancellationToken)
    {
        var scheduler = await factory.GetScheduler(cancellationToken);
        var key = KeyOf(changeId);
        if (await scheduler.Exists(key, cancellationToken))
        {
            if (runNow)
            {
                await scheduler.TriggerJob(key, new JobDataMap(), cancellationToken);
            }
            return;
        }
        var job = JobBuilder.Create<TopologyChangeJob>()
            .WithIdentity(key)
            .UsingJobData(ChangeIdKey, changeId)
            .StoreDurably(true)
            .RequestRecovery(true)
            .Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(changeId, Group)
            .ForJob(key)
            .StartNow()
            .WithSimpleSchedule(s => s.WithInterval(options.Value.RunInterval).RepeatForever())
            .Build();
        try
        {
            await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions(), cancellationToken);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Another thread or coordinator scheduled it first: one job is all a change needs.
        }
    }

    /// <summary>Deletes the change's job and trigger (the change is terminal).</summary>
    public async Task UnscheduleAsync(string changeId, CancellationToken cancellationToken)
    {
        var scheduler = await factory.GetScheduler(cancellationToken);
        await scheduler.DeleteJob(KeyOf(changeId), cancellationToken);
    }
}
