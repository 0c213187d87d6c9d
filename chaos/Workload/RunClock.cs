using System.Diagnostics;

namespace PairDb.Chaos.Workload;

/// <summary>
/// The one monotonic clock of a run: every invoke and complete time is milliseconds on it, so the
/// checker may compare times of different clients (wall clocks of the hosts may be skewed; this is not).
/// </summary>
internal sealed class RunClock
{
    private readonly long _start = Stopwatch.GetTimestamp();

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    /// <summary>Whole milliseconds since the start, truncated (so a smaller reading is strictly earlier).</summary>
    public long ElapsedMs => (long)Elapsed.TotalMilliseconds;
}
