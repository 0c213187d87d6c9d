using System.Diagnostics;
using System.Globalization;
using PairDb.Bench.Load;

namespace PairDb.Bench.Topology;

/// <summary>
/// Call latencies per second since <see cref="Start"/>, so a bad p99 during a bootstrap can be set against the
/// change's phase at that moment. Records service time (call issued to answered), not the queueing behind a late
/// call that the paced window's own histogram also charges.
/// </summary>
public sealed class LatencyTimeline
{
    private const int MaxSeconds = 3600;

    private readonly LatencyHistogram?[] _seconds = new LatencyHistogram?[MaxSeconds];
    private long _origin = long.MaxValue;

    public void Start() => Volatile.Write(ref _origin, Stopwatch.GetTimestamp());

    public void Record(long begun, long ended)
    {
        var origin = Volatile.Read(ref _origin);
        if (begun < origin)
        {
            return;
        }

        var second = (int)((begun - origin) / Stopwatch.Frequency);
        if (second >= MaxSeconds)
        {
            return;
        }

        var histogram = Volatile.Read(ref _seconds[second]);
        if (histogram is null)
        {
            Interlocked.CompareExchange(ref _seconds[second], new LatencyHistogram(), null);
            histogram = _seconds[second]!;
        }

        lock (histogram)
        {
            histogram.Record(ended - begun);
        }
    }

    /// <summary>
    /// One line per slice of the first <paramref name="seconds"/> (at most 30 slices): calls, p50 and p99 of the
    /// service time, and the change's state at the slice's start.
    /// </summary>
    public void Write(TextWriter output, double seconds, IReadOnlyList<(double Seconds, string State)> phases)
    {
        var total = Math.Min(MaxSeconds, (int)Math.Ceiling(seconds));
        var step = Math.Max(1, (int)Math.Ceiling(total / 30.0));
        output.WriteLine("  client latency over the bootstrap (service time, from AddStorageNode): from-to s, state, calls, p50 ms, p99 ms");
        for (var from = 0; from < total; from += step)
        {
            var slice = new LatencyHistogram();
            for (var s = from; s < Math.Min(total, from + step); s++)
            {
                if (_seconds[s] is { } histogram)
                {
                    lock (histogram)
                    {
                        slice.Add(histogram);
                    }
                }
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {from,4}-{from + step,-4} {StateAt(phases, from),-10} {slice.Count,6} {slice.PercentileMs(50),8:F2} {slice.PercentileMs(99),8:F2}"));
        }
    }

    private static string StateAt(IReadOnlyList<(double Seconds, string State)> phases, double at)
    {
        var state = "-";
        foreach (var (seconds, name) in phases)
        {
            if (seconds > at + 1)
            {
                break;
            }

            state = name;
        }

        return state;
    }
}
