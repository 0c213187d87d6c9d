namespace PairDb.Contracts.Versioning;

/// <summary>
/// A dotted version vector set (Riak 2.x): the causal context of a key plus every concurrent
/// sibling with its dot. Immutable and pure.
/// Invariants: siblings are sorted by dot with no duplicate dots, and the context covers every
/// sibling's dot (a replica has always seen what it stores).
/// </summary>
public sealed partial class SiblingSet : IEquatable<SiblingSet>
{
    private readonly Sibling[] _siblings;

    private SiblingSet(VersionVector context, Sibling[] siblings)
    {
        Context = context;
        _siblings = siblings;
    }

    public static SiblingSet Empty { get; } = new(VersionVector.Empty, []);

    /// <summary>The merged context: every write this set has seen, kept or replaced.</summary>
    public VersionVector Context { get; }

    /// <summary>Concurrent versions in dot order; more than one means a conflict to resolve.</summary>
    public IReadOnlyList<Sibling> Siblings => _siblings;

    public bool IsEmpty => _siblings.Length == 0;

    /// <summary>
    /// Builds a set from any siblings (e.g. for tests or migration); the context is widened to cover
    /// them. Throws when two siblings share a dot.
    /// </summary>
    public static SiblingSet Create(VersionVector context, IEnumerable<Sibling> siblings)
    {
        var sorted = siblings.ToArray();
        Array.Sort(sorted, static (x, y) => x.Dot.CompareTo(y.Dot));
        for (var i = 0; i < sorted.Length; i++)
        {
            if (i > 0 && sorted[i - 1].Dot == sorted[i].Dot)
            {
                throw new ArgumentException($"two siblings share the dot {sorted[i].Dot}", nameof(siblings));
            }

            context = context.With(sorted[i].Dot.NodeId, sorted[i].Dot.Counter);
        }

        return new SiblingSet(context, sorted);
    }

    internal static SiblingSet FromCanonical(VersionVector context, Sibling[] siblings) =>
        siblings.Length == 0 && context.IsEmpty ? Empty : new SiblingSet(context, siblings);

    /// <summary>True when some sibling holds an unexpired value (else a read answers KEY_NOT_FOUND).</summary>
    public bool HasLiveSibling(long nowUnixMs)
    {
        foreach (var sibling in _siblings)
        {
            if (sibling.IsLiveAt(nowUnixMs))
            {
                return true;
            }
        }

        return false;
    }

    public bool Equals(SiblingSet? other)
    {
        if (other is null || !Context.Equals(other.Context) || _siblings.Length != other._siblings.Length)
        {
            return false;
        }

        for (var i = 0; i < _siblings.Length; i++)
        {
            if (!_siblings[i].Equals(other._siblings[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as SiblingSet);

    public override int GetHashCode() => HashCode.Combine(Context, _siblings.Length);

    public override string ToString() => $"{Context} [{string.Join(", ", (object[])_siblings)}]";
}
