using CsCheck;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Tests.Ring;

public sealed class TokenRingTests
{
    [Test]
    public void GetPreferenceList_AnyTokenAndCluster_MatchesTheNaiveClockwiseWalk()
    {
        Gen.Select(Gen.Int[1, 6], Gen.Int[1, 20], Gen.ULong.Array[1, 50], Gen.Int[1, 5])
            .Sample((nodeCount, virtualNodes, probes, replicas) =>
            {
                var nodes = Clusters.Join(nodeCount, virtualNodes);
                var ring = RingBuilder.Build(nodes, version: 1);
                foreach (var token in probes)
                {
                    var actual = ring.GetPreferenceList(token, replicas).Select(n => n.NodeId).ToList();
                    var expected = Clusters.NaivePreferenceList(nodes, token, replicas);
                    if (!actual.SequenceEqual(expected))
                    {
                        return false;
                    }
                }
                return true;
            }, iter: 100);
    }

    [Test]
    public void Build_RowsInAnyOrder_GivesTheSamePreferenceLists()
    {
        var nodes = Clusters.Join(6);
        var reference = RingBuilder.Build(nodes, version: 1);
        Gen.Select(Gen.Int, Gen.ULong.Array[20, 20]).Sample((seed, probes) =>
        {
            var shuffled = new List<RingNode>(nodes);
            new Random(seed).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(shuffled));
            var ring = RingBuilder.Build(shuffled, version: 1);
            return probes.All(t => ring.GetPreferenceList(t, 3).Select(n => n.NodeId)
                .SequenceEqual(reference.GetPreferenceList(t, 3).Select(n => n.NodeId)));
        }, iter: 50);
    }

    [Test]
    public void Allocate_SameJoinSequence_GivesTheSameTokensEveryTime()
    {
        Gen.Select(Gen.Int[1, 6], Gen.Int[1, 40]).Sample((count, virtualNodes) =>
        {
            var first = Clusters.Join(count, virtualNodes);
            var second = Clusters.Join(count, virtualNodes);
            return first.Zip(second).All(p => p.First.Tokens.SequenceEqual(p.Second.Tokens));
        }, iter: 20);
    }

    [Test]
    public void Allocate_FirstTwoNodes_TokensAreFrozen()
    {
        // Golden values: a change to the allocation must be deliberate (tokens already stored keep
        // their places, but a re-created cluster would get a different ring).
        var first = TokenAllocator.Allocate("storage-node-1", 4, []);
        Assert.That(first, Is.EqualTo(new[] { 2150188946783100255UL, 6761874965210488159UL, 11373560983637876063UL, 15985247002065263967UL }));
        Assert.That(first.Zip(first.Skip(1), (a, b) => b - a).Distinct(), Is.EqualTo(new[] { 1UL << 62 }), "evenly spaced by 2^64/4");
        var second = TokenAllocator.Allocate("storage-node-2", 4, [new RingNode("storage-node-1", "h", 1, 2, NodeStates.Normal, false, first)]);
        Assert.That(second, Is.EqualTo(new[] { 1141382630252109151UL, 5032492708300217695UL, 9644178726727605599UL, 16561707754368687455UL }));
    }

    [Test]
    public void Allocate_AnyJoinSequence_TokensAreDistinctAcrossNodes()
    {
        Gen.Select(Gen.Int[2, 6], Gen.Int[1, 60]).Sample((count, virtualNodes) =>
        {
            var all = Clusters.Join(count, virtualNodes).SelectMany(n => n.Tokens).ToList();
            return all.Count == count * virtualNodes && all.Distinct().Count() == all.Count;
        }, iter: 20);
    }

    [Test]
    public void GetPreferenceList_BootstrappingNode_IsNeverReturned()
    {
        var nodes = Clusters.Join(3);
        nodes.Add(Clusters.Joined("storage-node-4", 150, nodes, NodeStates.Bootstrapping));
        var ring = RingBuilder.Build(nodes, version: 1);
        Assert.That(ring.Members.Select(m => m.NodeId), Does.Not.Contain("storage-node-4"));
        Assert.That(ring.Nodes, Has.Count.EqualTo(4));
        foreach (var token in Clusters.KeyTokens(1000))
        {
            Assert.That(ring.GetPreferenceList(token, 3).Select(n => n.NodeId), Does.Not.Contain("storage-node-4"));
        }
    }

    [Test]
    public void GetPreferenceList_FewerMembersThanAsked_ReturnsEveryMemberOnce()
    {
        var ring = RingBuilder.Build(Clusters.Join(2), version: 1);
        Span<int> indexes = stackalloc int[3];
        var found = ring.GetPreferenceList(12345UL, indexes);
        Assert.That(found, Is.EqualTo(2));
        Assert.That(indexes[0], Is.Not.EqualTo(indexes[1]));
    }

    [Test]
    public void GetPreferenceList_EmptyRing_ReturnsNothing()
    {
        Assert.That(TokenRing.Empty.GetPreferenceList(1UL, 3), Is.Empty);
        Assert.That(TokenRing.Empty.GetPrimary(1UL), Is.Null);
    }
}
