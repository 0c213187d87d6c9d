using PairDb.Integration.Tests.Support;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>Where acknowledged data must be once a change is done, checked on the nodes themselves.</summary>
internal static class TopologyAssertions
{
    /// <summary>
    /// The node holds (direct StorageService.Read) every sampled acknowledged write that the ring now
    /// assigns to it; returns how many keys were checked.
    /// </summary>
    public static async Task<int> AssertNodeHoldsItsKeysAsync(TopologyCluster cluster, ClusterNode node, AcknowledgedWrites ledger, int sample = 600)
    {
        var ring = await cluster.RingAsync();
        var assigned = ledger.Sample(sample).Where(w => RingView.ReplicasOf(ring, w.Key).Contains(node.NodeId)).ToList();
        Assert.That(assigned, Is.Not.Empty, $"the ring assigns {node.NodeId} some of the {sample} sampled keys");
        var held = await TopologyCluster.CountHeldAsync(node, assigned);
        Assert.That(held, Is.EqualTo(assigned.Count), $"{node.NodeId} holds every sampled key the ring now assigns it");
        return assigned.Count;
    }

    /// <summary>For each sampled write, a quorum (2 of 3) of its current replicas hold it themselves.</summary>
    public static async Task AssertQuorumOfOwnersHoldAsync(TopologyCluster cluster, AcknowledgedWrites ledger, int sample = 300)
    {
        var ring = await cluster.RingAsync();
        var lacking = new List<string>();
        foreach (var write in ledger.Sample(sample))
        {
            var holders = 0;
            var replicas = RingView.ReplicasOf(ring, write.Key);
            foreach (var replica in replicas)
            {
                holders += await TopologyCluster.CountHeldAsync(cluster.Node(replica), [write]);
            }
            if (holders < 2)
            {
                lacking.Add($"{write.Key} held by {holders} of [{string.Join(", ", replicas)}]");
            }
        }
        Assert.That(lacking, Is.Empty, "a quorum of each key's current replicas hold it");
    }
}
