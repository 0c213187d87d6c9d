using Microsoft.Extensions.Time.Testing;
using PairDb.StorageNode.Metrics;

namespace PairDb.StorageNode.Tests.Unit;

public sealed class WindowedLatencyTests
{
    [Test]
    public void QuantileMilliseconds_MostlyFastOneSlow_P99IsFastBucketP100Slow()
    {
        var time = new FakeTimeProvider();
        var window = new WindowedLatency(time);
        for (var i = 0; i < 199; i++)
        {
            window.Record(TimeSpan.FromMilliseconds(1));
        }

        window.Record(TimeSpan.FromMilliseconds(100));

        Assert.Multiple(() =>
        {
            Assert.That(window.QuantileMilliseconds(0.99), Is.InRange(1.0, 1.25));
            Assert.That(window.QuantileMilliseconds(1.0), Is.InRange(100.0, 125.0));
        });
    }

    [Test]
    public void RatePerSecond_AfterSecondsPass_CountsOnlyTheWindow()
    {
        var time = new FakeTimeProvider();
        var window = new WindowedLatency(time);
        window.Record(TimeSpan.FromMilliseconds(1), 50);
        var running = window.RatePerSecond();
        time.Advance(TimeSpan.FromSeconds(1));
        var settled = window.RatePerSecond();
        time.Advance(TimeSpan.FromSeconds(WindowedLatency.WindowSeconds + 1));

        Assert.Multiple(() =>
        {
            Assert.That(running, Is.Zero, "the running second is not counted yet");
            Assert.That(settled, Is.EqualTo(50.0 / WindowedLatency.WindowSeconds));
            Assert.That(window.RatePerSecond(), Is.Zero);
            Assert.That(window.QuantileMilliseconds(0.99), Is.Null);
        });
    }

    [Test]
    public void BucketOf_Bounds_ContainLatency()
    {
        foreach (var micros in new long[] { 1, 3, 7, 100, 999, 12_345, 1_000_000 })
        {
            var bucket = WindowedLatency.BucketOf(TimeSpan.FromMicroseconds(micros));
            Assert.That(WindowedLatency.UpperBoundMicroseconds(bucket), Is.GreaterThanOrEqualTo(micros), micros.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
