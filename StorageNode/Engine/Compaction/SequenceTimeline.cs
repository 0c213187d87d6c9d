using PairDb.Engine.Manifest;

namespace PairDb.Engine.Compaction;

/// <summary>
/// Maps sequence numbers to an upper bound of when they were written, from points recorded at each flush.
/// Answers are conservative: a write is never judged older than it is, so a tombstone is never collected early.
/// </summary>
internal static class SequenceTimeline
{
    /// <summary>Points kept in the manifest; older ones are thinned, which only makes answers later (safer).</summary>
    public const int MaxPoints = 256;

    public static IReadOnlyList<SequenceTimePoint> Add(IReadOnlyList<SequenceTimePoint> points, long sequence, long unixMs)
    {
        if (points.Count > 0 && points[^1].Sequence >= sequence)
        {
            return points;
        }

        var list = new List<SequenceTimePoint>(points.Count + 1);
        list.AddRange(points);
        list.Add(new SequenceTimePoint(sequence, Math.Max(unixMs, points.Count > 0 ? points[^1].UnixMs : unixMs)));
        if (list.Count > MaxPoints)
        {
            // Drop every other point of the older half: their sequences then map to the next point's (later) time.
            var thinned = new List<SequenceTimePoint>(MaxPoints);
            var half = list.Count / 2;
            for (var i = 0; i < list.Count; i++)
            {
                if (i >= half || i % 2 == 1)
                {
                    thinned.Add(list[i]);
                }
            }

            list = thinned;
        }

        return list;
    }

    /// <summary>Latest time at which <paramref name="sequence"/> can have been written; null when no flush has covered it yet.</summary>
    public static long? WrittenNoLaterThan(IReadOnlyList<SequenceTimePoint> points, long sequence)
    {
        int lo = 0, hi = points.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (points[mid].Sequence >= sequence)
            {
                found = mid;
                hi = mid - 1;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return found < 0 ? null : points[found].UnixMs;
    }
}
