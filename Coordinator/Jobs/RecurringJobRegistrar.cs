using Microsoft.Extensions.Options;
using PairDb.Coordinator.Cleanup;
using PairDb.Coordinator.Options;
using Quartz;

namespace PairDb.Coordinator.Jobs;

/// <summary>
/// Puts the coordinator's recurring jobs in the shared job store at every start (once PostgreSQL answers, from
/// <see cref="JobSchedulerStarter"/>): hint replay, hint cleanup and range cleanup. Idempotent (see <see cref="DurableJobScheduler"/>), so every coordinator
/// of a cluster does it and the store still holds one job and one trigger of each; a changed
/// interval reschedules the trigger.
/// </summary>
public sealed class RecurringJobRegistrar(
    DurableJobScheduler jobs, IOptions<HintOptions> hints, IOptions<TopologyOptions> topology)
{
    public async Task RegisterAsync(CancellationToken cancellationToken)
    {
        // Stateless passes over the hints table: a cut-short run is simply redone by the next one.
        await jobs.ScheduleRecurringAsync<HintReplayJob>(HintReplayJob.Key, [], hints.Value.ReplayInterval, startNow: true,
            requestsRecovery: false, cancellationToken);
        await jobs.ScheduleRecurringAsync<HintCleanupJob>(HintCleanupJob.Key, [], hints.Value.CleanupInterval, startNow: true,
            requestsRecovery: false, cancellationToken);
        await jobs.ScheduleRecurringAsync<RangeCleanupJob>(RangeCleanupJob.Key, [], topology.Value.CleanupRetryInterval, startNow: true,
            requestsRecovery: true, cancellationToken);
    }
}
