namespace PairDb.Contracts.Versioning;

public sealed partial class SiblingSet
{
    /// <summary>
    /// DVV sync of two replicas' sets. A sibling survives unless the other side's context covers its
    /// dot without holding it (the other side saw that write and replaced it). Contexts merge by
    /// pointwise max. Commutative, associative and idempotent, so replicas converge whatever order
    /// replica writes, hints and repairs arrive in.
    /// </summary>
    public static SiblingSet Merge(SiblingSet a, SiblingSet b)
    {
        if (ReferenceEquals(a, b) || a.Equals(b))
        {
            return a;
        }

        // Streaming and replica writes mostly land on keys the node does not hold yet.
        if (a.IsEmpty && a.Context.IsEmpty)
        {
            return b;
        }

        if (b.IsEmpty && b.Context.IsEmpty)
        {
            return a;
        }

        var kept = new List<Sibling>(a._siblings.Length + b._siblings.Length);
        int i = 0, j = 0;
        while (i < a._siblings.Length || j < b._siblings.Length)
        {
            var order = i == a._siblings.Length ? 1
                : j == b._siblings.Length ? -1
                : a._siblings[i].Dot.CompareTo(b._siblings[j].Dot);
            if (order < 0)
            {
                var sibling = a._siblings[i++];
                if (!b.Context.Covers(sibling.Dot))
                {
                    kept.Add(sibling);
                }
            }
            else if (order > 0)
            {
                var sibling = b._siblings[j++];
                if (!a.Context.Covers(sibling.Dot))
                {
                    kept.Add(sibling);
                }
            }
            else
            {
                var left = a._siblings[i++];
                var right = b._siblings[j++];
                kept.Add(Sibling.CompareContent(left, right) >= 0 ? left : right);
            }
        }

        return new SiblingSet(VersionVector.Merge(a.Context, b.Context), [.. kept]);
    }

    /// <summary>Merges any number of replies (read path); Empty for none.</summary>
    public static SiblingSet Merge(IEnumerable<SiblingSet> sets)
    {
        var result = Empty;
        foreach (var set in sets)
        {
            result = Merge(result, set);
        }

        return result;
    }

    /// <summary>The sync of this set with <paramref name="other"/>; see <see cref="Merge(SiblingSet, SiblingSet)"/>.</summary>
    public SiblingSet MergeWith(SiblingSet other) => Merge(this, other);
}
