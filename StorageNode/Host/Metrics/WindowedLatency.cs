using System.Numerics;

namespace PairDb.StorageNode.Metrics;

/// <summary>
/// Operation count and latency over the last <see cref="WindowSeconds"/> whole seconds, for the
/// <c>write_qps</c>/<c>p99_write_latency_ms</c> figures of <c>/health</c> (Prometheus computes its
/// own from the histograms). One slot per second, latencies in log-linear buckets (4 per power of
/// two of microseconds, so a quantile is within 19% of the truth). Lock-free on the record path;
/// a reader racing a slot reset may see one second slightly off, which a health figure tolerates.
/// </summary>
public sealed class WindowedLatency
{
    public const int WindowSeconds = 10;
    private const int Slots = WindowSeconds + 2;
    private const int SubBuckets = 4;
    private const int BucketCount = 40 * SubBuckets;

    private readonly TimeProvider _time;
    private readonly Slot[] _slots = new Slot[Slots];

    public WindowedLatency(TimeProvider time)
    {
        _time = time;
        for (var i = 0; i < Slots; i++)
        {
            _slots[i] = new Slot();
        }
    }

    public void Record(TimeSpan latency, int count = 1)
    {
        var second = CurrentSecond();
        var slot = _slots[second % Slots];
        if (Volatile.Read(ref slot.Second) != second)
        {
            slot.ResetTo(second);
        }

        Interlocked.Add(ref slot.Count, count);
        Interlocked.Increment(ref slot.Buckets[BucketOf(latency)]);
    }

    /// <summary>Operations per second over the last whole seconds (the running second excluded).</summary>
    public double RatePerSecond()
    {
        long total = 0;
        foreach (var slot in CompletedSlots())
        {
            total += Volatile.Read(ref slot.Count);
        }

        return total / (double)WindowSeconds;
    }

    /// <summary>The latency quantile in milliseconds over the window (the running second included); null when nothing was recorded.</summary>
    public double? QuantileMilliseconds(double quantile)
    {
        var merged = new long[BucketCount];
        long total = 0;
        var current = CurrentSecond();
        foreach (var slot in _slots)
        {
            var second = Volatile.Read(ref slot.Second);
            if (second > current - WindowSeconds && second <= current)
            {
                for (var b = 0; b < BucketCount; b++)
                {
                    var n = Volatile.Read(ref slot.Buckets[b]);
                    merged[b] += n;
                    total += n;
                }
            }
        }

        if (total == 0)
        {
            return null;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var b = 0; b < BucketCount; b++)
        {
            seen += merged[b];
            if (seen >= rank)
            {
                return UpperBoundMicroseconds(b) / 1000.0;
            }
        }

        return UpperBoundMicroseconds(BucketCount - 1) / 1000.0;
    }

    private IEnumerable<Slot> CompletedSlots()
    {
        var current = CurrentSecond();
        foreach (var slot in _slots)
        {
            var second = Volatile.Read(ref slot.Second);
            if (second >= current - WindowSeconds && second < current)
            {
                yield return slot;
            }
        }
    }

    private long CurrentSecond() => _time.GetUtcNow().ToUnixTimeSeconds();

    internal static int BucketOf(TimeSpan latency)
    {
        var micros = (ulong)Math.Max(1L, latency.Ticks / TimeSpan.TicksPerMicrosecond);
        var power = 63 - BitOperations.LeadingZeroCount(micros);
        var sub = (int)((power >= 2 ? micros >> (power - 2) : micros << (2 - power)) & (SubBuckets - 1));
        return Math.Min(BucketCount - 1, (power * SubBuckets) + sub);
    }

    internal static double UpperBoundMicroseconds(int bucket)
    {
        var power = bucket / SubBuckets;
        var sub = bucket % SubBuckets;
        return Math.Pow(2, power) * (1 + ((sub + 1) / (double)SubBuckets));
    }

    private sealed class Slot
    {
        public long Second = -1;
        public long Count;
        public readonly long[] Buckets = new long[BucketCount];

        public void ResetTo(long second)
        {
            lock (this)
            {
                if (Volatile.Read(ref Second) == second)
                {
                    return;
                }

                Array.Clear(Buckets);
                Volatile.Write(ref Count, 0);
                Volatile.Write(ref Second, second);
            }
        }
    }
}
