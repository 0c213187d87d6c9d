using System.Diagnostics;

namespace PairDb.Engine.Compaction;

/// <summary>
/// Shared byte budget for compaction writes: each job reports what it wrote and sleeps when the jobs together are
/// ahead of the configured rate. The debt is bounded to one second so a paused cap does not cause a burst later.
/// </summary>
internal sealed class CompactionRateLimiter(long bytesPerSecond)
{
    private readonly object _lock = new();
    private long _bytesPerSecond = bytesPerSecond;
    private long _allowedAtTicks = Stopwatch.GetTimestamp();

    /// <summary>0 means unlimited (emergency mode sets it so).</summary>
    public long BytesPerSecond
    {
        get => Volatile.Read(ref _bytesPerSecond);
        set => Volatile.Write(ref _bytesPerSecond, value);
    }

    public void Consume(long bytes, CancellationToken ct)
    {
        var rate = BytesPerSecond;
        if (rate <= 0 || bytes <= 0)
        {
            return;
        }

        long wait;
        lock (_lock)
        {
            var now = Stopwatch.GetTimestamp();
            var start = Math.Max(_allowedAtTicks, now - Stopwatch.Frequency);
            _allowedAtTicks = start + (long)(bytes * (double)Stopwatch.Frequency / rate);
            wait = _allowedAtTicks - now;
        }

        if (wait > 0)
        {
            ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency));
        }
    }
}
