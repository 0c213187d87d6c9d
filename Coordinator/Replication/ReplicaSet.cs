using Microsoft.Extensions.Options;
using PairDb.Coordinator.Nodes;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Replication;

/// <summary>
/// The N replicas of one key, primary first, with what this coordinator knows of each right now:
/// a node the health prober saw DOWN or whose breaker is open is unavailable and is not called
/// (runbook 4.3: open nodes are skipped, not waited for).
/// </summary>
public sealed class ReplicaSet
{
    private static readonly RingNode[] NoNodes = [];

    private ReplicaSet(RingNode[] nodes, bool[] available, int availableCount, RingNode[] pending)
    {
        Nodes = nodes;
        Available = available;
        AvailableCount = availableCount;
        Pending = pending;
    }

    public RingNode[] Nodes { get; }

    public bool[] Available { get; }

    public int AvailableCount { get; }

    public int Count => Nodes.Length;

    /// <summary>
    /// Nodes gaining this key's range in a topology change in progress (pending ranges): they
    /// receive the write too, but are not replicas yet, so they neither count toward W nor serve reads.
    /// </summary>
    public RingNode[] Pending { get; }

    /// <summary>The replicas of <paramref name="token"/> in <paramref name="ring"/>; fewer than N when the ring has fewer members.</summary>
    public static ReplicaSet For(TokenRing ring, ulong token, int n, NodeLiveness liveness, NodePipelineRegistry pipelines)
    {
        Span<int> indexes = stackalloc int[n];
        var found = ring.GetPreferenceList(token, indexes);
        var nodes = new RingNode[found];
        var available = new bool[found];
        var availableCount = 0;
        for (var i = 0; i < found; i++)
        {
            var node = ring.Members[indexes[i]];
            nodes[i] = node;
            available[i] = !liveness.IsDown(node.NodeId) && !pipelines.IsOpen(node.NodeId);
            if (available[i])
            {
                availableCount++;
            }
        }
        return new ReplicaSet(nodes, available, availableCount, PendingTargets(ring, token, nodes));
    }

    private static RingNode[] PendingTargets(TokenRing ring, ulong token, RingNode[] replicas)
    {
        if (ring.Pending.IsEmpty)
        {
            return NoNodes;
        }
        var targets = ring.Pending.For(token);
        if (targets.Count == 0)
        {
            return NoNodes;
        }
        var extra = new List<RingNode>(targets.Count);
        foreach (var target in targets)
        {
            // With two changes at once a gainer of one may already be a replica through the other.
            if (Array.FindIndex(replicas, r => string.Equals(r.NodeId, target.NodeId, StringComparison.Ordinal)) < 0)
            {
                extra.Add(target);
            }
        }
        return extra.Count == 0 ? NoNodes : [.. extra];
    }

    /// <summary>
    /// Indexes of the available replicas in the order they should coordinate a write: preference
    /// order, drained nodes last (they still own their ranges but should not be picked when another can).
    /// </summary>
    public int[] CoordinatorOrder()
    {
        var order = new int[AvailableCount];
        var at = 0;
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < Nodes.Length; i++)
            {
                if (Available[i] && Nodes[i].Draining == (pass == 1))
                {
                    order[at++] = i;
                }
            }
        }
        return order;
    }
}

/// <summary>Builds <see cref="ReplicaSet"/>s from the current ring and N.</summary>
public sealed class ReplicaPlacement(RingProvider rings, NodeLiveness liveness, NodePipelineRegistry pipelines, IOptions<RingOptions> ring)
{
    public int ReplicationFactor { get; } = ring.Value.ReplicationFactor;

    public ReplicaSet For(ulong token) => ReplicaSet.For(rings.Current, token, ReplicationFactor, liveness, pipelines);
}
