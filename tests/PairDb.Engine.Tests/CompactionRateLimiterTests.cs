using System.Diagnostics;
using PairDb.Engine.Compaction;

namespace PairDb.Engine.Tests;

public sealed class CompactionRateLimiterTests
{
    [Test]
    public void Consume_PastOneSecondOfBurst_WaitsForTheCap()
    {
        var limiter = new CompactionRateLimiter(10_000_000);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 60; i++)
        {
            limiter.Consume(250_000, CancellationToken.None); // 15 MB at 10 MB/s, at most 1 s of it as burst
        }

        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(450)));
    }

    [Test]
    public void Consume_CapLifted_DoesNotWait()
    {
        var limiter = new CompactionRateLimiter(1_000) { BytesPerSecond = 0 };
        var watch = Stopwatch.StartNew();

        limiter.Consume(100_000_000, CancellationToken.None);

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public void Consume_Cancelled_ReturnsEarly()
    {
        var limiter = new CompactionRateLimiter(1_000);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var watch = Stopwatch.StartNew();

        limiter.Consume(100_000_000, cts.Token);

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }
}
