using PairDb.Coordinator.Cleanup;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Ring.Movement;

namespace PairDb.Coordinator.Topology.Changes;

/// <summary>
/// The pure part of a change: which ranges it moves, who streams what to whom, what cleanup drops
/// afterwards, whether it must wait behind another change. A function of the storage_nodes rows,
/// so every coordinator plans the same change the same way.
/// </summary>
public static class ChangePlanner
{
    /// <summary>The ring of the rows as they are (members: NORMAL and LEAVING).</summary>
    public static TokenRing Ring(IEnumerable<StorageNodeRecord> rows) => RingBuilder.Build(rows, 0);

    /// <summary>The ranges whose replicas change when <paramref name="nodeId"/>'s change completes; empty if it is not registered.</summary>
    public static IReadOnlyList<RangeMove> Moves(TokenRing before, string nodeId, int replicationFactor)
    {
        if (!before.TryGetNode(nodeId, out var node))
        {
            return [];
        }
        var after = RingBuilder.Build(PendingRanges.AfterChange(before, node), 0);
        return RingDiff.Between(before, after, replicationFactor);
    }

    public static List<TokenRange> RangesOf(IReadOnlyList<RangeMove> moves)
    {
        var ranges = new List<TokenRange>(moves.Count);
        foreach (var move in moves)
        {
            ranges.Add(move.Range);
        }
        return ranges;
    }

    /// <summary>
    /// The streams of a change (StreamPlanner's consistent range movement). An unavailable source
    /// (a dead node being force-removed) is taken out of the old replicas, so its ranges come from a
    /// staying owner; preferred sources (rebalance/start source_nodes) come first among the old
    /// replicas, which only changes the choice between equally valid sources.
    /// </summary>
    public static List<StreamProgress> Streams(IReadOnlyList<RangeMove> moves, string? unavailableSource, IReadOnlyList<string>? preferredSources)
    {
        var adjusted = new List<RangeMove>(moves.Count);
        foreach (var move in moves)
        {
            var old = new List<string>(move.OldReplicas.Count);
            foreach (var preferred in preferredSources ?? [])
            {
                if (Contains(move.OldReplicas, preferred) && !old.Contains(preferred))
                {
                    old.Add(preferred);
                }
            }
            foreach (var replica in move.OldReplicas)
            {
                if (!old.Contains(replica))
                {
                    old.Add(replica);
                }
            }
            if (unavailableSource is not null)
            {
                old.Remove(unavailableSource);
            }
            adjusted.Add(move with { OldReplicas = old });
        }
        var streams = new List<StreamProgress>();
        foreach (var assignment in StreamPlanner.Assign(adjusted))
        {
            streams.Add(new StreamProgress
            {
                Id = streams.Count,
                Source = assignment.SourceNodeId,
                Target = assignment.TargetNodeId,
                Ranges = ChangeDetails.ToJson(assignment.Ranges),
            });
        }
        return streams;
    }

    /// <summary>
    /// Cleanup after completion: every loser drops the ranges it gave up (for a decommission, the
    /// leaving node everything it replicated). After an abort: every gainer drops what it received.
    /// Addresses come from <paramref name="nodes"/> (the rows, plus the changing node's address from
    /// details, since its row may be gone by then).
    /// </summary>
    public static List<CleanupTask> CleanupTasks(
        IReadOnlyList<RangeMove> moves, bool gainers, IReadOnlyDictionary<string, NodeAddress> nodes)
    {
        var byNode = new Dictionary<string, CleanupTask>(StringComparer.Ordinal);
        var order = new List<CleanupTask>();
        foreach (var move in moves)
        {
            foreach (var nodeId in gainers ? move.Gainers : move.Losers)
            {
                if (!byNode.TryGetValue(nodeId, out var task))
                {
                    var address = nodes.TryGetValue(nodeId, out var known) ? known : new NodeAddress("", 0, 0);
                    task = new CleanupTask { NodeId = nodeId, Host = address.Host, GrpcPort = address.GrpcPort };
                    byNode[nodeId] = task;
                    order.Add(task);
                }
                task.Ranges.Add(ChangeDetails.ToJson(move.Range));
            }
        }
        return order;
    }

    /// <summary>
    /// The first change among <paramref name="ahead"/> whose moved ranges overlap <paramref name="mine"/>
    /// (that change runs first), or null when this change may run now alongside all of them.
    /// </summary>
    public static string? BlockedBy(IReadOnlyList<TokenRange> mine, IEnumerable<(string ChangeId, IReadOnlyList<TokenRange> Ranges)> ahead)
    {
        foreach (var (changeId, ranges) in ahead)
        {
            if (RangeOverlap.Any(mine, ranges))
            {
                return changeId;
            }
        }
        return null;
    }

    private static bool Contains(IReadOnlyList<string> nodes, string node)
    {
        foreach (var candidate in nodes)
        {
            if (string.Equals(candidate, node, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
