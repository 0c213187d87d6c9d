namespace PairDb.Coordinator.Ring.Movement;

/// <summary>
/// Whether two sets of token ranges share a token. Two topology changes whose moved ranges do not
/// overlap commute (each range is changed by at most one of them, and neither's tokens fall inside
/// the other's preference walks), so they may run at once; overlapping changes run one after another.
/// </summary>
public static class RangeOverlap
{
    public static bool Any(IReadOnlyList<TokenRange> a, IReadOnlyList<TokenRange> b)
    {
        foreach (var left in a)
        {
            foreach (var right in b)
            {
                if (Intersect(left, right))
                {
                    return true;
                }
            }
        }
        return false;
    }

    public static bool Intersect(TokenRange a, TokenRange b)
    {
        if (a.StartExclusive == a.EndInclusive || b.StartExclusive == b.EndInclusive)
        {
            return true;
        }
        // Each range's first token (start + 1) lies in the other, or one contains the other's last token.
        return a.Contains(unchecked(b.StartExclusive + 1)) || b.Contains(unchecked(a.StartExclusive + 1));
    }
}
