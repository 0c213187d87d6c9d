using PairDb.Coordinator.Jobs;
using Quartz;

namespace PairDb.Coordinator.Topology.Changes;

/// <summary>
/// The Quartz job of each active change (<see cref="TopologyJobScheduler"/>: durable, recovery
/// requested, re-firing every ChangeJobInterval in the clustered store, so a change whose
/// coordinator died is driven again by another), created when missing and fired at once on demand.
/// </summary>
public sealed class ChangeScheduler(ISchedulerFactory factory, TopologyJobScheduler topology, DurableJobScheduler jobs)
{
    /// <summary>Creates the change's job if it has none (it fires at once); otherwise, with <paramref name="runNow"/>, fires it now.</summary>
    public async Task EnsureScheduledAsync(string changeId, bool runNow, CancellationToken cancellationToken)
    {
        var scheduler = await factory.GetScheduler(cancellationToken);
        var key = TopologyJobScheduler.KeyOf(changeId);
        if (!await scheduler.Exists(key, cancellationToken))
        {
            await topology.ScheduleChangeAsync<TopologyChangeJob>(changeId, cancellationToken);
        }
        else if (runNow)
        {
            await jobs.TriggerNowAsync(key, cancellationToken);
        }
    }

    /// <summary>Deletes the change's job and trigger (the change is terminal).</summary>
    public Task UnscheduleAsync(string changeId, CancellationToken cancellationToken) =>
        topology.UnscheduleChangeAsync(changeId, cancellationToken);
}
