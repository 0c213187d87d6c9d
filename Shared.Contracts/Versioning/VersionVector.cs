namespace PairDb.Contracts.Versioning;

/// <summary>
/// An immutable causal context: for each node, the highest counter seen (node -> counter), every
/// counter >= 1. Entries are kept sorted by node id (ordinal), which makes merge a linear walk and
/// equality and serialization canonical.
/// </summary>
public sealed partial class VersionVector : IEquatable<VersionVector>
{
    private readonly Dot[] _entries;

    private VersionVector(Dot[] entries) => _entries = entries;

    public static VersionVector Empty { get; } = new([]);

    /// <summary>Entries in canonical order; a Dot here means "node, highest counter seen".</summary>
    public ReadOnlySpan<Dot> Entries => _entries;

    public int Count => _entries.Length;

    public bool IsEmpty => _entries.Length == 0;

    /// <summary>Builds a vector from any entries: duplicates keep their max, zero counters are dropped.</summary>
    public static VersionVector From(IEnumerable<Dot> entries)
    {
        var list = new List<Dot>();
        foreach (var entry in entries)
        {
            NodeIds.ThrowIfInvalid(entry.NodeId, nameof(entries));
            if (entry.Counter > 0)
            {
                list.Add(entry);
            }
        }

        list.Sort();
        var result = new List<Dot>(list.Count);
        foreach (var entry in list)
        {
            // Sorted by (node, counter), so the last entry of each node is its max.
            if (result.Count > 0 && string.Equals(result[^1].NodeId, entry.NodeId, StringComparison.Ordinal))
            {
                result[^1] = entry;
            }
            else
            {
                result.Add(entry);
            }
        }

        return result.Count == 0 ? Empty : new VersionVector([.. result]);
    }

    /// <summary>Wraps entries already in canonical order (strictly ascending node ids, counters >= 1).</summary>
    internal static VersionVector FromCanonical(Dot[] entries) => entries.Length == 0 ? Empty : new VersionVector(entries);

    /// <summary>The counter seen for a node; 0 when none.</summary>
    public ulong Get(string nodeId)
    {
        var index = IndexOf(nodeId);
        return index >= 0 ? _entries[index].Counter : 0;
    }

    /// <summary>True when this context has seen the write with that dot.</summary>
    public bool Covers(Dot dot) => dot.Counter <= Get(dot.NodeId);

    /// <summary>True when this context has seen everything <paramref name="other"/> has.</summary>
    public bool Descends(VersionVector other)
    {
        foreach (var entry in other._entries)
        {
            if (!Covers(entry))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when neither descends the other.</summary>
    public bool IsConcurrentWith(VersionVector other) => !Descends(other) && !other.Descends(this);

    /// <summary>This vector with the node's entry raised to at least <paramref name="counter"/>.</summary>
    public VersionVector With(string nodeId, ulong counter)
    {
        NodeIds.ThrowIfInvalid(nodeId, nameof(nodeId));
        var index = IndexOf(nodeId);
        if (index >= 0)
        {
            if (_entries[index].Counter >= counter)
            {
                return this;
            }

            var copy = (Dot[])_entries.Clone();
            copy[index] = new Dot(nodeId, counter);
            return new VersionVector(copy);
        }

        if (counter == 0)
        {
            return this;
        }

        var insertAt = ~index;
        var grown = new Dot[_entries.Length + 1];
        _entries.AsSpan(0, insertAt).CopyTo(grown);
        grown[insertAt] = new Dot(nodeId, counter);
        _entries.AsSpan(insertAt).CopyTo(grown.AsSpan(insertAt + 1));
        return new VersionVector(grown);
    }

    /// <summary>Pointwise max: the context that has seen everything either has.</summary>
    public static VersionVector Merge(VersionVector a, VersionVector b)
    {
        if (a.Descends(b))
        {
            return a;
        }

        if (b.Descends(a))
        {
            return b;
        }

        var merged = new List<Dot>(a.Count + b.Count);
        int i = 0, j = 0;
        while (i < a._entries.Length || j < b._entries.Length)
        {
            var order = i == a._entries.Length ? 1
                : j == b._entries.Length ? -1
                : string.CompareOrdinal(a._entries[i].NodeId, b._entries[j].NodeId);
            if (order < 0)
            {
                merged.Add(a._entries[i++]);
            }
            else if (order > 0)
            {
                merged.Add(b._entries[j++]);
            }
            else
            {
                merged.Add(a._entries[i].Counter >= b._entries[j].Counter ? a._entries[i] : b._entries[j]);
                i++;
                j++;
            }
        }

        return new VersionVector([.. merged]);
    }

    /// <summary>Index of the node's entry, or the bitwise complement of where it would go.</summary>
    internal int IndexOf(string nodeId)
    {
        int low = 0, high = _entries.Length - 1;
        while (low <= high)
        {
            var mid = low + ((high - low) >> 1);
            var order = string.CompareOrdinal(_entries[mid].NodeId, nodeId);
            if (order == 0)
            {
                return mid;
            }

            if (order < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return ~low;
    }

    public bool Equals(VersionVector? other) =>
        other is not null && _entries.AsSpan().SequenceEqual(other._entries);

    public override bool Equals(object? obj) => Equals(obj as VersionVector);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var entry in _entries)
        {
            hash.Add(entry);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => "{" + string.Join(", ", _entries) + "}";
}
