using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Replication.Hints;

public sealed partial class HintReplayer
{
    /// <summary>
    /// While PostgreSQL is away (the spool mover calls this when its insert fails; the Quartz replay job cannot fire
    /// without its job store): delivers spooled hints straight to targets that are healthy again, in arrival order,
    /// paced as table replay is, and marks them done in the spool. A failed batch stops that target until the next
    /// pass; nothing is counted against the hint (it will still reach <c>hints</c> and its replay attempts later).
    /// Returns how many hints were delivered.
    /// </summary>
    public async Task<int> ReplayFromSpoolAsync(CancellationToken cancellationToken)
    {
        var ring = rings.Current;
        var delivered = 0;
        foreach (var (target, _) in spool.CountsByTarget())
        {
            if (!ring.TryGetNode(target, out var node) || liveness.IsDown(target))
            {
                continue;
            }
            delivered += await ReplayTargetFromSpoolAsync(node, cancellationToken);
        }
        return delivered;
    }

    private async Task<int> ReplayTargetFromSpoolAsync(RingNode node, CancellationToken cancellationToken)
    {
        var delivered = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var hints = spool.Oldest(_options.ReplayBatchSize, _maxBatchBytes, node.NodeId);
            if (hints.Count == 0)
            {
                break;
            }
            var started = time.GetTimestamp();
            var (errors, _) = await DeliverAsync(node, hints.ConvertAll(h => (h.TenantId, h.Key, h.Payload)), cancellationToken);
            var succeeded = new List<Guid>(hints.Count);
            string? firstError = null;
            for (var i = 0; i < hints.Count; i++)
            {
                if (errors[i] is null)
                {
                    succeeded.Add(hints[i].Uid);
                }
                else
                {
                    firstError ??= errors[i];
                }
            }
            spool.MarkDone(succeeded);
            backlog.Release(node.NodeId, succeeded.Count);
            if (succeeded.Count > 0)
            {
                metrics.HintReplayed(node.NodeId, succeeded.Count);
                spoolMetrics.ReplayedFromSpool(node.NodeId, succeeded.Count);
                delivered += succeeded.Count;
            }
            if (firstError is not null)
            {
                metrics.HintFailed(node.NodeId, hints.Count - succeeded.Count);
                LogReplayFailed(logger, node.NodeId, hints.Count - succeeded.Count, firstError);
                break;
            }
            await PaceAsync(started, hints.Count, cancellationToken);
        }
        if (delivered > 0)
        {
            LogReplayedFromSpool(logger, node.NodeId, delivered);
        }
        return delivered;
    }

    [LoggerMessage(EventId = 346, Level = LogLevel.Information, Message = "Hints replayed from spool target_node_id={TargetNodeId} count={Count}")]
    private static partial void LogReplayedFromSpool(ILogger logger, string targetNodeId, int count);
}
