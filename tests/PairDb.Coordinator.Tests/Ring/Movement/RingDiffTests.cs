using CsCheck;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Ring.Movement;

namespace PairDb.Coordinator.Tests.Ring.Movement;

public sealed class RingDiffTests
{
    private const int N = 3;

    [Test]
    public void Between_AddingANode_EveryTokenIsInAMoveExactlyWhenItsReplicasChange()
    {
        var nodes = Clusters.Join(4, 20);
        var before = RingBuilder.Build(nodes.Take(3), 1);
        var after = RingBuilder.Build(nodes, 2);
        var moves = RingDiff.Between(before, after, N);

        Gen.ULong.Sample(token =>
        {
            var old = before.GetPreferenceList(token, N).Select(n => n.NodeId).ToList();
            var updated = after.GetPreferenceList(token, N).Select(n => n.NodeId).ToList();
            var containing = moves.Where(m => m.Range.Contains(token)).ToList();
            var changed = !old.OrderBy(x => x, StringComparer.Ordinal).SequenceEqual(updated.OrderBy(x => x, StringComparer.Ordinal));
            return changed
                ? containing.Count == 1 && containing[0].OldReplicas.SequenceEqual(old) && containing[0].NewReplicas.SequenceEqual(updated)
                : containing.Count == 0;
        }, iter: 3000);
    }

    [Test]
    public void Between_AddingANode_OnlyTheNewNodeGainsAndEachMoveHasOneLoser()
    {
        var nodes = Clusters.Join(5, 30);
        var moves = RingDiff.Between(RingBuilder.Build(nodes.Take(4), 1), RingBuilder.Build(nodes, 2), N);

        Assert.That(moves, Is.Not.Empty);
        Assert.That(moves.All(m => m.Gainers.SequenceEqual(["storage-node-5"])), Is.True, "only the joining node gains ranges");
        Assert.That(moves.All(m => m.Losers.Count == 1), Is.True, "with more than N nodes each moved range has exactly one loser");
    }

    [Test]
    public void Between_RemovingANode_ItLosesEveryRangeItReplicatedAndOthersGain()
    {
        var nodes = Clusters.Join(5, 30);
        var leaving = nodes[2].NodeId;
        var before = RingBuilder.Build(nodes, 1);
        var moves = RingDiff.Between(before, RingBuilder.Build(nodes.Where(n => n.NodeId != leaving), 2), N);

        Assert.That(moves.All(m => m.Losers.SequenceEqual([leaving])), Is.True, "the leaving node is the only loser");
        Assert.That(moves.All(m => m.Gainers.Count == 1 && m.Gainers[0] != leaving), Is.True);
        var moved = moves.Aggregate(UInt128.Zero, (sum, m) => sum + m.Range.Width);
        var owned = before.GetRangesOf(leaving, N).Aggregate(UInt128.Zero, (sum, r) => sum + r.Width);
        Assert.That(moved, Is.EqualTo(owned), "every range the leaving node replicated moves, nothing else");
    }

    [Test]
    public void Between_FirstNode_TheWholeRingMovesToItWithoutSources()
    {
        var nodes = Clusters.Join(1, 8);
        var moves = RingDiff.Between(TokenRing.Empty, RingBuilder.Build(nodes, 1), N);

        Assert.That(moves, Has.Count.EqualTo(1), "one move: the adjacent ranges join across the wrap point");
        Assert.That(moves[0].Range.StartExclusive, Is.EqualTo(moves[0].Range.EndInclusive), "written as the whole ring");
        Assert.That(StreamPlanner.Assign(moves), Is.Empty, "nobody held data before the first node");
    }

    [Test]
    public void Between_SameRing_NoMoves()
    {
        var ring = RingBuilder.Build(Clusters.Join(4, 20), 1);
        Assert.That(RingDiff.Between(ring, ring, N), Is.Empty);
    }

    [Test]
    public void Assign_Bootstrap_TheNewNodePullsEachRangeFromTheNodeThatGivesItUp()
    {
        var nodes = Clusters.Join(4, 20);
        var moves = RingDiff.Between(RingBuilder.Build(nodes.Take(3), 1), RingBuilder.Build(nodes, 2), N);
        var streams = StreamPlanner.Assign(moves);

        Assert.That(streams.All(s => s.TargetNodeId == "storage-node-4"), Is.True);
        Assert.That(streams.Select(s => s.SourceNodeId).Distinct().Count(), Is.EqualTo(streams.Count), "one stream per source");
        foreach (var move in moves)
        {
            var stream = streams.Single(s => s.Ranges.Contains(move.Range));
            Assert.That(stream.SourceNodeId, Is.EqualTo(move.Losers[0]));
        }
    }

    [Test]
    public void Assign_RingSmallerThanN_GainerPullsFromAStayingOwner()
    {
        var nodes = Clusters.Join(2, 8);
        var moves = RingDiff.Between(RingBuilder.Build(nodes.Take(1), 1), RingBuilder.Build(nodes, 2), N);
        var streams = StreamPlanner.Assign(moves);

        Assert.That(streams, Has.Count.EqualTo(1));
        Assert.That(streams[0].SourceNodeId, Is.EqualTo("storage-node-1"));
        Assert.That(streams[0].TargetNodeId, Is.EqualTo("storage-node-2"));
    }

    [Test]
    public void PendingRanges_BootstrappingNode_ReceivesExactlyTheTokensItWillReplicate()
    {
        var members = Clusters.Join(3, 20);
        var joining = Clusters.Joined("storage-node-4", 20, members, NodeStates.Bootstrapping);
        var ring = RingBuilder.Build([.. members, joining], 1);
        var pending = PendingRanges.Compute(ring, N);
        var future = RingBuilder.Build([.. members, Clusters.Joined("storage-node-4", 20, members)], 2);

        Gen.ULong.Sample(token =>
        {
            var willReplicate = future.GetPreferenceList(token, N).Any(n => n.NodeId == "storage-node-4");
            var targets = pending.For(token);
            return willReplicate ? targets.Count == 1 && targets[0].NodeId == "storage-node-4" : targets.Count == 0;
        }, iter: 3000);
        Assert.That(ring.Members.Select(m => m.NodeId), Does.Not.Contain("storage-node-4"), "a bootstrapping node is not in the ring");
    }

    [Test]
    public void PendingRanges_LeavingNode_InheritorsReceiveItsRanges()
    {
        var nodes = Clusters.Join(4, 20);
        var leaving = nodes[1];
        var marked = nodes.Select(n => n == leaving
            ? new RingNode(n.NodeId, n.Host, n.GrpcPort, n.HttpPort, NodeStates.Leaving, false, n.Tokens) : n).ToList();
        var ring = RingBuilder.Build(marked, 1);
        var pending = PendingRanges.Compute(ring, N);
        var after = RingBuilder.Build(nodes.Where(n => n != leaving), 2);

        Gen.ULong.Sample(token =>
        {
            var now = ring.GetPreferenceList(token, N).Select(n => n.NodeId).ToList();
            var later = after.GetPreferenceList(token, N).Select(n => n.NodeId).ToList();
            var expected = later.Except(now).ToList();
            return pending.For(token).Select(n => n.NodeId).SequenceEqual(expected);
        }, iter: 3000);
    }

    [Test]
    public void RangeOverlap_WrappingAndAdjacentRanges_AreDecidedExactly()
    {
        Assert.That(RangeOverlap.Intersect(new(10, 20), new(20, 30)), Is.False, "(10,20] and (20,30] only touch");
        Assert.That(RangeOverlap.Intersect(new(10, 20), new(19, 30)), Is.True);
        Assert.That(RangeOverlap.Intersect(new(ulong.MaxValue - 5, 5), new(2, 3)), Is.True, "a wrapping range contains (2,3]");
        Assert.That(RangeOverlap.Intersect(new(ulong.MaxValue - 5, 5), new(5, 100)), Is.False);
        Assert.That(RangeOverlap.Intersect(new(7, 7), new(1000, 1001)), Is.True, "a full ring overlaps everything");
        Gen.Select(Gen.ULong, Gen.ULong, Gen.ULong, Gen.ULong).Sample((a, b, c, d) =>
        {
            var left = new TokenRange(a, b);
            var right = new TokenRange(c, d);
            var sampled = Enumerable.Range(0, 64).Select(i => a + 1 + (ulong)i).Any(t => left.Contains(t) && right.Contains(t))
                || Enumerable.Range(0, 64).Select(i => c + 1 + (ulong)i).Any(t => left.Contains(t) && right.Contains(t));
            return !sampled || RangeOverlap.Intersect(left, right);
        }, iter: 2000);
    }
}
