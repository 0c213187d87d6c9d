using CsCheck;
using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Tests.Ring;

public sealed class RangeTests
{
    [Test]
    public void GetOwnedRanges_AnyCluster_CoverTheWholeRingOnce()
    {
        var ring = RingBuilder.Build(Clusters.Join(4, 20), version: 1);
        var ranges = ring.GetOwnedRanges(3);
        UInt128 total = 0;
        foreach (var owned in ranges)
        {
            total += owned.Range.Width;
        }
        Assert.That(ranges, Has.Count.EqualTo(ring.TokenCount));
        Assert.That(total, Is.EqualTo(UInt128.One << 64), "consecutive ranges tile the 2^64 tokens exactly");
    }

    [Test]
    public void GetOwnedRanges_AnyToken_ItsRangeListsItsPreferenceList()
    {
        var ring = RingBuilder.Build(Clusters.Join(5, 30), version: 1);
        var ranges = ring.GetOwnedRanges(3);
        Gen.ULong.Sample(token =>
        {
            var containing = ranges.Where(r => r.Range.Contains(token)).ToList();
            return containing.Count == 1
                && containing[0].Replicas.SequenceEqual(ring.GetPreferenceList(token, 3).Select(n => n.NodeId));
        }, iter: 2000);
    }

    [Test]
    public void GetRangesOf_EveryNode_ReplicatesAboutThreeFifthsOfTheRingOfFiveNodes()
    {
        var ring = RingBuilder.Build(Clusters.Join(5), version: 1);
        foreach (var member in ring.Members)
        {
            var width = ring.GetRangesOf(member.NodeId, 3).Aggregate(UInt128.Zero, (sum, r) => sum + r.Width);
            var fraction = (double)width / Math.Pow(2, 64);
            Assert.That(fraction, Is.EqualTo(0.6).Within(0.06), member.NodeId);
        }
    }

    [TestCase(10UL, 20UL, 15UL, true)]
    [TestCase(10UL, 20UL, 10UL, false)]
    [TestCase(10UL, 20UL, 20UL, true)]
    [TestCase(ulong.MaxValue - 5, 5UL, ulong.MaxValue, true)]
    [TestCase(ulong.MaxValue - 5, 5UL, 0UL, true)]
    [TestCase(ulong.MaxValue - 5, 5UL, 6UL, false)]
    [TestCase(7UL, 7UL, 123UL, true)]
    public void Contains_WrappingAndPlainRanges_FollowsStartExclusiveEndInclusive(ulong start, ulong end, ulong token, bool expected)
    {
        Assert.That(new TokenRange(start, end).Contains(token), Is.EqualTo(expected));
    }
}
