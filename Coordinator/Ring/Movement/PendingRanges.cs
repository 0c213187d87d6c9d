using PairDb.Coordinator.Data;

namespace PairDb.Coordinator.Ring.Movement;

/// <summary>
/// The extra write targets of ranges in motion (DESIGN.md 4, pending ranges): while a node is
/// BOOTSTRAPPING or LEAVING, a write for a range it changes also goes to that range's gainers, so the
/// data they are streaming never misses a write. A pure function of the registered nodes, so every
/// coordinator computes the same targets from the same storage_nodes rows. Lookups are a binary
/// search over the cut points and allocate nothing.
/// </summary>
public sealed class PendingRanges
{
    private static readonly RingNode[] NoNodes = [];

    /// <summary>Segment ends ascending; segment i is (ends[i-1], ends[i]], segment 0 wraps.</summary>
    private readonly ulong[] _ends;
    private readonly RingNode[][] _targets;

    private PendingRanges(ulong[] ends, RingNode[][] targets)
    {
        _ends = ends;
        _targets = targets;
    }

    public static PendingRanges None { get; } = new([], []);

    public bool IsEmpty => _ends.Length == 0;

    /// <summary>The nodes, outside the preference list, that must also receive a write for <paramref name="token"/>.</summary>
    public IReadOnlyList<RingNode> For(ulong token)
    {
        if (_ends.Length == 0)
        {
            return NoNodes;
        }
        var index = Array.BinarySearch(_ends, token);
        if (index < 0)
        {
            index = ~index;
            if (index == _ends.Length)
            {
                index = 0;
            }
        }
        return _targets[index];
    }

    /// <summary>Pending targets of every BOOTSTRAPPING and LEAVING node of <paramref name="ring"/>.</summary>
    public static PendingRanges Compute(TokenRing ring, int replicationFactor)
    {
        var moving = new List<(TokenRange Range, RingNode Gainer)>();
        foreach (var node in ring.Nodes)
        {
            if (node.State is not (NodeStates.Bootstrapping or NodeStates.Leaving))
            {
                continue;
            }
            var after = RingBuilder.Build(AfterChange(ring, node), 0);
            foreach (var move in RingDiff.Between(ring, after, replicationFactor))
            {
                foreach (var gainer in move.Gainers)
                {
                    if (ring.TryGetNode(gainer, out var target))
                    {
                        moving.Add((move.Range, target));
                    }
                }
            }
        }
        return moving.Count == 0 ? None : Build(moving);
    }

    /// <summary>The ring's nodes as they will be when <paramref name="changing"/>'s change completes.</summary>
    public static IEnumerable<RingNode> AfterChange(TokenRing ring, RingNode changing)
    {
        foreach (var node in ring.Nodes)
        {
            if (!ReferenceEquals(node, changing))
            {
                yield return node;
            }
            else if (node.State == NodeStates.Bootstrapping)
            {
                yield return new RingNode(node.NodeId, node.Host, node.GrpcPort, node.HttpPort, NodeStates.Normal, node.Draining, node.Tokens) { Scheme = node.Scheme };
            }
        }
    }

    private static PendingRanges Build(List<(TokenRange Range, RingNode Gainer)> moving)
    {
        var cuts = new SortedSet<ulong>();
        foreach (var (range, _) in moving)
        {
            cuts.Add(range.StartExclusive);
            cuts.Add(range.EndInclusive);
        }
        var ends = cuts.ToArray();
        var targets = new RingNode[ends.Length][];
        for (var i = 0; i < ends.Length; i++)
        {
            // Every token of segment (ends[i-1], ends[i]] is in the same moving ranges as ends[i].
            var here = new List<RingNode>();
            foreach (var (range, gainer) in moving)
            {
                if (range.Contains(ends[i]) && !here.Contains(gainer))
                {
                    here.Add(gainer);
                }
            }
            targets[i] = here.Count == 0 ? NoNodes : [.. here];
        }
        return new PendingRanges(ends, targets);
    }
}
