using PairDb.Engine.Manifest;

namespace PairDb.Engine.Compaction;

/// <summary>
/// What a compaction may forget, fixed when the job starts: versions shadowed within one snapshot stripe, expired
/// values, and tombstones old enough (by the sequence timeline) at the bottom of the tree.
/// </summary>
internal sealed class GarbagePolicy(long[] snapshots, IReadOnlyList<SequenceTimePoint> timeline, long nowUnixMs, long graceMs)
{
    /// <summary>Open snapshot sequences, ascending.</summary>
    public long[] Snapshots { get; } = snapshots;

    public long NowUnixMs { get; } = nowUnixMs;

    /// <summary>Index of the oldest snapshot that sees <paramref name="sequence"/>; Snapshots.Length when only the present does.</summary>
    public int Stripe(long sequence)
    {
        var s = Snapshots;
        int lo = 0, hi = s.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (s[mid] >= sequence)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    /// <summary>A tombstone written at <paramref name="sequence"/> has certainly outlived the grace period.</summary>
    public bool TombstoneExpired(long sequence)
    {
        var written = SequenceTimeline.WrittenNoLaterThan(timeline, sequence);
        return written is { } ms && ms + graceMs <= NowUnixMs;
    }
}
