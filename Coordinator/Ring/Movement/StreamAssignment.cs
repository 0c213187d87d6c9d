namespace PairDb.Coordinator.Ring.Movement;

/// <summary>One stream of a topology change: <see cref="TargetNodeId"/> pulls <see cref="Ranges"/> from <see cref="SourceNodeId"/>.</summary>
public sealed record StreamAssignment(string SourceNodeId, string TargetNodeId, IReadOnlyList<TokenRange> Ranges);

/// <summary>
/// Chooses where each gainer fetches each range from, and groups the result into one stream per
/// (source, target) pair so that a source scans its data once per target, not once per range.
/// </summary>
public static class StreamPlanner
{
    /// <summary>
    /// Pairs the i-th gainer of a range with the i-th loser: the node giving the range up holds every
    /// write a quorum of the old owners acknowledged that the staying owners may lack, so after the
    /// move a quorum of the new owners still holds it ("consistent range movement"). A gainer without
    /// a loser (the ring was smaller than N) fetches from the first staying old owner; a range nobody
    /// held before (the first node of a cluster) has nothing to fetch.
    /// </summary>
    public static IReadOnlyList<StreamAssignment> Assign(IReadOnlyList<RangeMove> moves)
    {
        var streams = new Dictionary<(string Source, string Target), List<TokenRange>>();
        var order = new List<(string Source, string Target)>();
        foreach (var move in moves)
        {
            var losers = move.Losers;
            var stayers = move.Stayers;
            var gainers = move.Gainers;
            for (var i = 0; i < gainers.Count; i++)
            {
                var source = i < losers.Count ? losers[i] : stayers.Count > 0 ? stayers[0] : null;
                if (source is null)
                {
                    continue;
                }
                var key = (source, gainers[i]);
                if (!streams.TryGetValue(key, out var ranges))
                {
                    streams[key] = ranges = [];
                    order.Add(key);
                }
                ranges.Add(move.Range);
            }
        }
        var result = new List<StreamAssignment>(order.Count);
        foreach (var key in order)
        {
            result.Add(new StreamAssignment(key.Source, key.Target, streams[key]));
        }
        return result;
    }
}
