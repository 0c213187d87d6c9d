using PairDb.Coordinator.Cleanup;
using PairDb.Coordinator.Data;

namespace PairDb.Coordinator.Topology.Changes;

public sealed partial class ChangeRunner
{
    /// <summary>
    /// The cutover: one transaction makes the bootstrap's node NORMAL (or deletes the decommissioned
    /// node's row), completes the change and schedules its cleanup: each node that gave ranges up
    /// drops them after the grace period, once a quorum of their new owners is verified to hold them.
    /// </summary>
    private async Task CutoverAsync(ChangeRun run)
    {
        var completed = await _registry.CompleteChangeAsync(run.ChangeId, (change, rows, now) =>
        {
            if (ChangeDetails.Parse(change.Details).Revision != run.Revision)
            {
                return null;
            }
            var addresses = new Dictionary<string, NodeAddress>(StringComparer.Ordinal);
            foreach (var row in rows)
            {
                addresses[row.NodeId] = new NodeAddress(row.Host, row.GrpcPort, row.HttpPort, row.Scheme);
            }
            var moves = ChangePlanner.Moves(ChangePlanner.Ring(rows), run.NodeId, _replicationFactor);
            var tasks = ChangePlanner.CleanupTasks(moves, gainers: false, addresses);
            lock (run.Gate)
            {
                CountStreamed(run);
                run.Details.Phase = ChangePhases.Done;
                run.Details.Waiting = null;
                run.Details.EstimatedCompletion = null;
                run.Details.Cleanup = CleanupPlan.Schedule(now, _topology.CleanupGracePeriod, tasks);
                return run.Details.ToJson();
            }
        }, run.Token);
        if (!completed)
        {
            run.Stop("cutover refused: the change is no longer in_progress at this revision, or its node row changed");
            run.Token.ThrowIfCancellationRequested();
        }
        EndedMetric(run.Type, ChangeStatuses.Completed);
        _cleanupMetrics.CleanupScheduled(run.Details.Cleanup?.Tasks.Count ?? 0);
        LogCompleted(run.ChangeId, run.Type, run.NodeId, run.Details.Cleanup?.Tasks.Count ?? 0, run.Details.Cleanup?.DueAt);
    }
}
