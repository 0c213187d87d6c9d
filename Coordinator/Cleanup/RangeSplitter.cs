using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Cleanup;

/// <summary>
/// Intersects token ranges on the circle. A range (start, end] wraps when start &gt;= end and covers
/// the whole ring when start == end; internally each becomes one or two inclusive linear spans
/// [low, high], which intersect trivially, and a span turns back into (low - 1, high] (with
/// low = 0 written as (ulong.MaxValue, high], which wraps onto exactly [0, high]).
/// </summary>
public static class RangeSplitter
{
    /// <summary>The parts of <paramref name="a"/> that also lie in <paramref name="b"/>, in token order.</summary>
    public static List<TokenRange> Intersect(TokenRange a, TokenRange b)
    {
        Span<(ulong Low, ulong High)> left = stackalloc (ulong, ulong)[2];
        Span<(ulong Low, ulong High)> right = stackalloc (ulong, ulong)[2];
        var leftCount = ToSpans(a, left);
        var rightCount = ToSpans(b, right);
        var result = new List<TokenRange>(2);
        for (var i = 0; i < leftCount; i++)
        {
            for (var j = 0; j < rightCount; j++)
            {
                var low = Math.Max(left[i].Low, right[j].Low);
                var high = Math.Min(left[i].High, right[j].High);
                if (low <= high)
                {
                    result.Add(FromSpan(low, high));
                }
            }
        }
        result.Sort(static (x, y) => x.EndInclusive.CompareTo(y.EndInclusive));
        return result;
    }

    private static int ToSpans(TokenRange range, Span<(ulong Low, ulong High)> spans)
    {
        if (range.StartExclusive == range.EndInclusive)
        {
            spans[0] = (0, ulong.MaxValue);
            return 1;
        }
        if (!range.Wraps)
        {
            spans[0] = (range.StartExclusive + 1, range.EndInclusive);
            return 1;
        }
        var count = 0;
        if (range.StartExclusive < ulong.MaxValue)
        {
            spans[count++] = (range.StartExclusive + 1, ulong.MaxValue);
        }
        spans[count++] = (0, range.EndInclusive);
        return count;
    }

    private static TokenRange FromSpan(ulong low, ulong high) =>
        low == 0 ? new TokenRange(ulong.MaxValue, high) : new TokenRange(low - 1, high);
}
