using Microsoft.Extensions.Options;
using PairDb.Coordinator.Options;
using Quartz;

namespace PairDb.Coordinator.Jobs;

/// <summary>
/// Schedules the Quartz job that drives one topology change, for the topology state machine. The
/// job is durable and requests recovery, and its trigger repeats every
/// <see cref="TopologyOptions.ChangeJobInterval"/>: if the coordinator running the change dies, its
/// firing is recovered by another coordinator (or by itself after a restart), and in any case the
/// next firing drives the change again from its persisted phase. The job class (e.g.
/// <c>TopologyChangeJob</c>) is expected to be <c>[DisallowConcurrentExecution]</c>, to read the change
/// id from its job data under <see cref="ChangeIdKey"/>, to return at once when the change is already
/// finished, and to call <see cref="UnscheduleChangeAsync"/> when it finishes it.
/// </summary>
public sealed class TopologyJobScheduler(DurableJobScheduler jobs, IOptions<TopologyOptions> options)
{
    /// <summary>Job group of every change job; the job name is the change id.</summary>
    public const string Group = "topology-changes";

    /// <summary>JobDataMap key holding the change id (pending_changes.change_id).</summary>
    public const string ChangeIdKey = "change_id";

    /// <summary>The job key of a change: name = change id, group = <see cref="Group"/>.</summary>
    public static JobKey KeyOf(string changeId) => new(changeId, Group);

    /// <summary>
    /// Idempotently creates the durable, recoverable job <typeparamref name="TJob"/> for
    /// <paramref name="changeId"/> with a trigger that fires now and then every
    /// <see cref="TopologyOptions.ChangeJobInterval"/>. Calling it again for the same change keeps the
    /// existing trigger.
    /// </summary>
    public Task ScheduleChangeAsync<TJob>(string changeId, CancellationToken cancellationToken = default)
        where TJob : IJob
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(changeId);
        var data = new JobDataMap { [ChangeIdKey] = changeId };
        return jobs.ScheduleRecurringAsync<TJob>(KeyOf(changeId), data, options.Value.ChangeJobInterval, startNow: true,
            requestsRecovery: true, cancellationToken);
    }

    /// <summary>Removes the change's job and trigger (the change finished or was aborted); false when there was none.</summary>
    public Task<bool> UnscheduleChangeAsync(string changeId, CancellationToken cancellationToken = default) =>
        jobs.UnscheduleAsync(KeyOf(changeId), cancellationToken);

    /// <summary>The change id a change job was scheduled for.</summary>
    public static string ChangeIdOf(IJobExecutionContext context) =>
        context.MergedJobDataMap.GetString(ChangeIdKey)
        ?? throw new InvalidOperationException($"Job {context.JobDetail.Key} has no '{ChangeIdKey}' in its job data");
}
