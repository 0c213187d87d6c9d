using PairDb.Coordinator.Cleanup;
using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Tests.Cleanup;

public sealed class RangeSplitterTests
{
    [Test]
    public void Intersect_OverlappingPlainRanges_ReturnsCommonPart() =>
        Assert.That(RangeSplitter.Intersect(new TokenRange(10, 100), new TokenRange(50, 200)), Is.EqualTo(new[] { new TokenRange(50, 100) }));

    [Test]
    public void Intersect_DisjointRanges_ReturnsNothing() =>
        Assert.That(RangeSplitter.Intersect(new TokenRange(10, 20), new TokenRange(20, 30)), Is.Empty);

    [Test]
    public void Intersect_WrappingWithPlain_ReturnsBothEnds()
    {
        var wrapping = new TokenRange(ulong.MaxValue - 10, 10);
        var result = RangeSplitter.Intersect(wrapping, new TokenRange(ulong.MaxValue - 20, 5));

        Assert.That(result, Is.EqualTo(new[] { new TokenRange(ulong.MaxValue, 5), new TokenRange(ulong.MaxValue - 10, ulong.MaxValue) }));
        Assert.That(result[0].Contains(0), Is.True, "(max, 5] covers token 0");
        Assert.That(result[0].Contains(ulong.MaxValue), Is.False);
    }

    [Test]
    public void Intersect_WholeRingWithAnything_ReturnsTheOther()
    {
        Assert.That(RangeSplitter.Intersect(new TokenRange(7, 7), new TokenRange(100, 50)),
            Is.EqualTo(new[] { new TokenRange(ulong.MaxValue, 50), new TokenRange(100, ulong.MaxValue) }));
        Assert.That(RangeSplitter.Intersect(new TokenRange(7, 7), new TokenRange(3, 3)), Is.EqualTo(new[] { new TokenRange(ulong.MaxValue, ulong.MaxValue) }),
            "whole ring with whole ring is the whole ring, written with equal bounds");
    }

    [Test]
    public void Intersect_RandomRanges_CoversExactlyTheTokensInBoth()
    {
        var random = new Random(42);
        for (var round = 0; round < 200; round++)
        {
            var a = new TokenRange(Small(random), Small(random));
            var b = new TokenRange(Small(random), Small(random));
            var pieces = RangeSplitter.Intersect(a, b);
            foreach (var token in Probes())
            {
                var inBoth = a.Contains(token) && b.Contains(token);
                var inPieces = pieces.Count(p => p.Contains(token));
                Assert.That(inPieces, Is.EqualTo(inBoth ? 1 : 0), $"token {token} in {a} and {b}: pieces {string.Join(" ", pieces)}");
            }
        }
    }

    // Bounds near the two ends of the token space, where wrapping happens.
    private static ulong Small(Random random) => random.Next(2) == 0 ? (ulong)random.Next(0, 12) : ulong.MaxValue - (ulong)random.Next(0, 12);

    private static IEnumerable<ulong> Probes()
    {
        for (ulong i = 0; i < 14; i++)
        {
            yield return i;
            yield return ulong.MaxValue - i;
        }
    }
}
