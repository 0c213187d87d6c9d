using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;

namespace PairDb.StorageNode.Streaming;

/// <summary>
/// Answers "which of these ring ranges hold this token" by one binary search. Each range (start, end] (wrapping
/// when start &gt;= end, the whole ring when start == end) becomes one or two inclusive token intervals; their
/// bounds cut the ring into elementary segments, and each segment lists the ranges covering it (compressed rows:
/// <c>_offsets[i].._offsets[i+1]</c> index <c>_ranges</c>). Ranges may overlap; each keeps its identity.
/// </summary>
public sealed class TokenRangeIndex
{
    private readonly ulong[] _segmentStarts;
    private readonly int[] _offsets;
    private readonly int[] _ranges;

    public TokenRangeIndex(IReadOnlyList<(ulong Start, ulong End)> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        Count = ranges.Count;
        var intervals = new List<(ulong Lo, ulong Hi, int Range)>(ranges.Count * 2);
        for (var i = 0; i < ranges.Count; i++)
        {
            var (start, end) = ranges[i];
            if (start == end)
            {
                intervals.Add((0, ulong.MaxValue, i));
            }
            else if (start < end)
            {
                intervals.Add((start + 1, end, i));
            }
            else
            {
                if (start != ulong.MaxValue)
                {
                    intervals.Add((start + 1, ulong.MaxValue, i));
                }

                intervals.Add((0, end, i));
            }
        }

        var bounds = new SortedSet<ulong> { 0 };
        foreach (var (lo, hi, _) in intervals)
        {
            bounds.Add(lo);
            if (hi != ulong.MaxValue)
            {
                bounds.Add(hi + 1);
            }
        }

        _segmentStarts = [.. bounds];
        var covering = new List<int>[_segmentStarts.Length];
        foreach (var (lo, hi, range) in intervals)
        {
            for (var s = Array.BinarySearch(_segmentStarts, lo); s < _segmentStarts.Length && _segmentStarts[s] <= hi; s++)
            {
                (covering[s] ??= []).Add(range);
            }
        }

        _offsets = new int[_segmentStarts.Length + 1];
        var all = new List<int>();
        for (var s = 0; s < covering.Length; s++)
        {
            _offsets[s] = all.Count;
            if (covering[s] is { } list)
            {
                all.AddRange(list);
                CoveredFraction += SegmentLength(s) / 18446744073709551616.0;
            }
        }

        _offsets[^1] = all.Count;
        _ranges = [.. all];
    }

    /// <summary>The number of ranges indexed (indices 0..Count-1, in the order given).</summary>
    public int Count { get; }

    /// <summary>The share of the ring (0..1) at least one range covers.</summary>
    public double CoveredFraction { get; }

    /// <summary>Indices of the ranges holding <paramref name="token"/>, ascending; empty when none does.</summary>
    public ReadOnlySpan<int> Covering(ulong token)
    {
        var s = SegmentOf(token);
        return _ranges.AsSpan(_offsets[s], _offsets[s + 1] - _offsets[s]);
    }

    /// <summary>True when some range holds <paramref name="token"/>.</summary>
    public bool Contains(ulong token)
    {
        var s = SegmentOf(token);
        return _offsets[s + 1] > _offsets[s];
    }

    /// <summary>Builds the index of request ranges; an empty list is an INVALID_ARGUMENT error.</summary>
    public static TokenRangeIndex FromRequest(IReadOnlyList<TokenRange> ranges)
    {
        if (ranges.Count == 0)
        {
            PairDbException.Throw(ErrorCode.InvalidArgument, "ranges must list at least one token range");
        }

        var list = new (ulong, ulong)[ranges.Count];
        for (var i = 0; i < ranges.Count; i++)
        {
            list[i] = (ranges[i].StartToken, ranges[i].EndToken);
        }

        return new TokenRangeIndex(list);
    }

    private int SegmentOf(ulong token)
    {
        // The last segment starting at or below the token; segment 0 starts at 0, so one always exists.
        int lo = 0, hi = _segmentStarts.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >>> 1;
            if (_segmentStarts[mid] <= token)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    private double SegmentLength(int s)
    {
        var next = s + 1 < _segmentStarts.Length ? _segmentStarts[s + 1] : 0UL;
        var length = next - _segmentStarts[s]; // wraps to the distance to 2^64 for the last segment
        return length == 0 ? 18446744073709551616.0 : length;
    }
}
