using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Tests.Ring;

/// <summary>Load balance and data movement of the token allocation, measured on 200,000 real key tokens.</summary>
public sealed class BalanceTests
{
    private const int KeyCount = 200_000;
    private static readonly ulong[] Keys = Clusters.KeyTokens(KeyCount);

    [TestCase(3)]
    [TestCase(5)]
    [TestCase(10)]
    public void PrimaryKeys_150VirtualNodes_MaxOverMinWithinTenPercent(int nodeCount)
    {
        var ring = RingBuilder.Build(Clusters.Join(nodeCount), version: 1);
        var counts = CountPerNode(ring, replicas: 1);
        var ratio = (double)counts.Values.Max() / counts.Values.Min();
        TestContext.Out.WriteLine($"{nodeCount} nodes, primary keys per node max/min = {ratio:F4}");
        Assert.That(counts, Has.Count.EqualTo(nodeCount));
        Assert.That(ratio, Is.LessThanOrEqualTo(1.10));
    }

    [TestCase(4)]
    [TestCase(5)]
    [TestCase(10)]
    public void ReplicaKeys_150VirtualNodesThreeReplicas_MaxOverMinWithinTenPercent(int nodeCount)
    {
        var ring = RingBuilder.Build(Clusters.Join(nodeCount), version: 1);
        var counts = CountPerNode(ring, replicas: 3);
        var ratio = (double)counts.Values.Max() / counts.Values.Min();
        TestContext.Out.WriteLine($"{nodeCount} nodes, replica keys per node max/min = {ratio:F4}");
        Assert.That(ratio, Is.LessThanOrEqualTo(1.10));
    }

    [TestCase(3)]
    [TestCase(5)]
    [TestCase(9)]
    public void AddOneNode_ToN_MovesAboutOneOverNPlusOneOfKeysAndOnlyToTheNewNode(int nodeCount)
    {
        var before = Clusters.Join(nodeCount);
        var after = new List<RingNode>(before) { Clusters.Joined("storage-node-new", 150, before) };
        var oldRing = RingBuilder.Build(before, version: 1);
        var newRing = RingBuilder.Build(after, version: 2);

        var movedPrimaries = 0;
        foreach (var token in Keys)
        {
            var oldReplicas = oldRing.GetPreferenceList(token, 3).Select(n => n.NodeId).ToHashSet();
            var newReplicas = newRing.GetPreferenceList(token, 3).Select(n => n.NodeId).ToList();
            var gained = newReplicas.Where(n => !oldReplicas.Contains(n)).ToList();
            Assert.That(gained, Is.Empty.Or.EqualTo(new[] { "storage-node-new" }), $"token {token} gained a replica other than the new node");
            if (oldRing.GetPrimary(token)!.NodeId != newRing.GetPrimary(token)!.NodeId)
            {
                Assert.That(newRing.GetPrimary(token)!.NodeId, Is.EqualTo("storage-node-new"));
                movedPrimaries++;
            }
        }
        var moved = (double)movedPrimaries / KeyCount;
        var expected = 1.0 / (nodeCount + 1);
        TestContext.Out.WriteLine($"{nodeCount} -> {nodeCount + 1} nodes: {moved:P2} of primaries moved (ideal {expected:P2})");
        // The allocator balances replica load first, so the joining node's primary share is near,
        // not exactly, its fair 1/(n+1).
        Assert.That(moved, Is.EqualTo(expected).Within(expected * 0.15));
    }

    [Test]
    public void GetPrimaryShares_AfterSequentialJoins_AreWithinFivePercentOfFair()
    {
        var ring = RingBuilder.Build(Clusters.Join(7), version: 1);
        foreach (var share in ring.GetPrimaryShares().Values)
        {
            Assert.That(share, Is.EqualTo(1.0 / 7).Within(0.05 / 7));
        }
    }

    private static Dictionary<string, int> CountPerNode(TokenRing ring, int replicas)
    {
        var counts = ring.Members.ToDictionary(m => m.NodeId, _ => 0);
        Span<int> indexes = stackalloc int[replicas];
        foreach (var token in Keys)
        {
            var found = ring.GetPreferenceList(token, indexes);
            for (var i = 0; i < found; i++)
            {
                counts[ring.Members[indexes[i]].NodeId]++;
            }
        }
        return counts;
    }
}
