using System.Text;
using PairDb.Contracts.Keys;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Ring.Movement;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>Ring questions a test asks, answered with the coordinator's own ring code from storage_nodes rows.</summary>
internal static class RingView
{
    public static ulong TokenOf(string key) => RingToken.Of(TopologyCluster.Tenant, Encoding.UTF8.GetBytes(key));

    /// <summary>The N nodes that replicate <paramref name="key"/> in <paramref name="ring"/>, primary first.</summary>
    public static IReadOnlyList<string> ReplicasOf(TokenRing ring, string key)
    {
        var nodes = ring.GetPreferenceList(TokenOf(key), TopologyCluster.ReplicationFactor);
        return [.. nodes.Select(n => n.NodeId)];
    }

    /// <summary>
    /// The ranges a node's change moves, planned as the coordinator plans it: a BOOTSTRAPPING node
    /// against the members plus it, a LEAVING node against the members minus it.
    /// </summary>
    public static IReadOnlyList<RangeMove> MovesOf(IReadOnlyList<StorageNodeRecord> rows, string nodeId)
    {
        var ring = RingBuilder.Build(rows, 1);
        Assert.That(ring.TryGetNode(nodeId, out var node), Is.True, $"{nodeId} is in storage_nodes");
        var after = RingBuilder.Build(PendingRanges.AfterChange(ring, node), 2);
        return RingDiff.Between(ring, after, TopologyCluster.ReplicationFactor);
    }

    public static IReadOnlyList<TokenRange> RangesOf(IReadOnlyList<RangeMove> moves) => [.. moves.Select(m => m.Range)];
}
