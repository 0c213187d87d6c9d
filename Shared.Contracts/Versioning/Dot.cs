namespace PairDb.Contracts.Versioning;

/// <summary>
/// The identity of one write: the node that coordinated it and that node's counter for the key.
/// Counters start at 1; a dot is covered by a context whose entry for the node is at least Counter.
/// </summary>
public readonly record struct Dot(string NodeId, ulong Counter) : IComparable<Dot>
{
    /// <summary>Canonical order: node id (ordinal), then counter.</summary>
    public int CompareTo(Dot other)
    {
        var byNode = string.CompareOrdinal(NodeId, other.NodeId);
        return byNode != 0 ? byNode : Counter.CompareTo(other.Counter);
    }

    public static bool operator <(Dot left, Dot right) => left.CompareTo(right) < 0;

    public static bool operator >(Dot left, Dot right) => left.CompareTo(right) > 0;

    public static bool operator <=(Dot left, Dot right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Dot left, Dot right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{NodeId}:{Counter}";
}
