namespace PairDb.Coordinator.Ring.Movement;

/// <summary>
/// Which ranges change replicas between two rings. The token space is cut at every token of both
/// rings: inside one such segment every token has the same first ring token at-or-after it in each
/// ring, hence the same preference list, so comparing the lists at the segment's end is exact.
/// Adjacent segments with identical before/after lists are joined, so a plan names few, wide ranges.
/// </summary>
public static class RingDiff
{
    public static IReadOnlyList<RangeMove> Between(TokenRing before, TokenRing after, int replicationFactor)
    {
        var cuts = MergeTokens(before.Tokens, after.Tokens);
        var moves = new List<RangeMove>();
        if (cuts.Length == 0)
        {
            return moves;
        }

        RangeMove? open = null;
        for (var i = 0; i < cuts.Length; i++)
        {
            var end = cuts[i];
            var start = cuts[i == 0 ? cuts.Length - 1 : i - 1];
            var old = IdsOf(before.GetPreferenceList(end, replicationFactor));
            var updated = IdsOf(after.GetPreferenceList(end, replicationFactor));
            if (SameSet(old, updated))
            {
                Close(ref open, moves);
                continue;
            }
            if (open is not null && open.OldReplicas.SequenceEqual(old) && open.NewReplicas.SequenceEqual(updated))
            {
                open = open with { Range = new TokenRange(open.Range.StartExclusive, end) };
                continue;
            }
            Close(ref open, moves);
            open = new RangeMove(new TokenRange(start, end), old, updated);
        }
        Close(ref open, moves);
        JoinAcrossWrap(moves);
        return moves;
    }

    private static void Close(ref RangeMove? open, List<RangeMove> moves)
    {
        if (open is not null)
        {
            moves.Add(open);
            open = null;
        }
    }

    /// <summary>The first and last moves meet at the wrap point when they describe the same change.</summary>
    private static void JoinAcrossWrap(List<RangeMove> moves)
    {
        if (moves.Count < 2)
        {
            return;
        }
        var first = moves[0];
        var last = moves[^1];
        if (last.Range.EndInclusive == first.Range.StartExclusive
            && last.OldReplicas.SequenceEqual(first.OldReplicas) && last.NewReplicas.SequenceEqual(first.NewReplicas))
        {
            moves[0] = first with { Range = new TokenRange(last.Range.StartExclusive, first.Range.EndInclusive) };
            moves.RemoveAt(moves.Count - 1);
        }
    }

    private static ulong[] MergeTokens(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        var merged = new List<ulong>(a.Length + b.Length);
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            ulong next;
            if (j >= b.Length || (i < a.Length && a[i] <= b[j]))
            {
                next = a[i++];
            }
            else
            {
                next = b[j++];
            }
            if (merged.Count == 0 || merged[^1] != next)
            {
                merged.Add(next);
            }
        }
        return [.. merged];
    }

    private static string[] IdsOf(IReadOnlyList<RingNode> nodes)
    {
        var ids = new string[nodes.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = nodes[i].NodeId;
        }
        return ids;
    }

    /// <summary>Order within a preference list matters for routing, not for who holds data.</summary>
    private static bool SameSet(string[] a, string[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }
        foreach (var node in a)
        {
            if (!RangeMove.Contains(b, node))
            {
                return false;
            }
        }
        return true;
    }
}
