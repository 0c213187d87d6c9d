using System.Diagnostics;
using HdrHistogram;

namespace PairDb.Bench.Engine;

/// <summary>Per-operation latency in Stopwatch ticks (one per thread; merge with <see cref="Add"/>).</summary>
public sealed class LatencyRecorder
{
    // One minute is far beyond any single operation we expect; longer ones are clamped rather than thrown on.
    private static readonly long MaxTicks = Stopwatch.Frequency * 60;

    private readonly LongHistogram _histogram = new(MaxTicks, 3);

    public long Count => _histogram.TotalCount;

    public void Record(long ticks) => _histogram.RecordValue(Math.Clamp(ticks, 1, MaxTicks));

    public void Add(LatencyRecorder other) => _histogram.Add(other._histogram);

    public double MaxMicros => PercentileMicros(100);

    public double PercentileMicros(double percentile) =>
        _histogram.TotalCount == 0 ? double.NaN : _histogram.GetValueAtPercentile(percentile) * 1_000_000.0 / Stopwatch.Frequency;
}
