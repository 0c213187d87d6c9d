using System.Diagnostics;
using HdrHistogram;

namespace PairDb.Bench.Load;

/// <summary>
/// Operation or call latencies in Stopwatch ticks, 3 significant digits; one per thread or caller,
/// merged at the end of a phase. Every benchmark suite records with this one type.
/// </summary>
public sealed class LatencyHistogram
{
    // A minute is far beyond any call we expect; longer ones are clamped rather than thrown on.
    private static readonly long MaxTicks = Stopwatch.Frequency * 60;

    private readonly LongHistogram _histogram = new(MaxTicks, 3);

    public long Count => _histogram.TotalCount;

    public void Record(long ticks) => _histogram.RecordValue(Math.Clamp(ticks, 1, MaxTicks));

    public void Add(LatencyHistogram other) => _histogram.Add(other._histogram);

    /// <summary>The latency at <paramref name="percentile"/> (0..100) in milliseconds; NaN when empty.</summary>
    public double PercentileMs(double percentile) =>
        _histogram.TotalCount == 0 ? double.NaN : _histogram.GetValueAtPercentile(percentile) * 1000.0 / Stopwatch.Frequency;

    /// <summary>The latency at <paramref name="percentile"/> (0..100) in microseconds; NaN when empty.</summary>
    public double PercentileMicros(double percentile) => PercentileMs(percentile) * 1000.0;

    public double MaxMicros => PercentileMicros(100);

    public double MeanMs => _histogram.TotalCount == 0 ? double.NaN : _histogram.GetMean() * 1000.0 / Stopwatch.Frequency;
}
