using PairDb.StorageNode.Streaming;

namespace PairDb.StorageNode.Tests.Unit;

public sealed class TokenRangeIndexTests
{
    [Test]
    public void Covering_WrappingPlainAndOverlappingRanges_ListsEachRangeHoldingTheToken()
    {
        var index = new TokenRangeIndex([(100, 200), (ulong.MaxValue - 10, 5), (150, 300), (ulong.MaxValue, 0)]);

        Assert.Multiple(() =>
        {
            Assert.That(index.Covering(100).ToArray(), Is.Empty, "start is exclusive");
            Assert.That(index.Covering(101).ToArray(), Is.EqualTo(new[] { 0 }));
            Assert.That(index.Covering(200).ToArray(), Is.EqualTo(new[] { 0, 2 }), "end is inclusive");
            Assert.That(index.Covering(201).ToArray(), Is.EqualTo(new[] { 2 }));
            Assert.That(index.Covering(ulong.MaxValue).ToArray(), Is.EqualTo(new[] { 1 }));
            Assert.That(index.Covering(0).ToArray(), Is.EqualTo(new[] { 1, 3 }));
            Assert.That(index.Covering(5).ToArray(), Is.EqualTo(new[] { 1 }));
            Assert.That(index.Contains(6), Is.False);
            Assert.That(index.Contains(ulong.MaxValue - 10), Is.False);
        });
    }

    [Test]
    public void CoveredFraction_WholeRingAndHalf_AreOneAndOneHalf()
    {
        var whole = new TokenRangeIndex([(42, 42)]);
        var half = new TokenRangeIndex([(1UL << 63, 0)]);

        Assert.Multiple(() =>
        {
            Assert.That(whole.CoveredFraction, Is.EqualTo(1.0));
            Assert.That(whole.Contains(0) && whole.Contains(42) && whole.Contains(ulong.MaxValue), Is.True);
            Assert.That(half.CoveredFraction, Is.EqualTo(0.5).Within(1e-9));
        });
    }
}
