namespace PairDb.Contracts.Versioning;

/// <summary>
/// The identity of one write: the node that coordinated it and that node's counter for the key.
/// Counters start at 1; a dot is covered by a context whose entry for the node is at least Counter.
/// </summary>
public readonly record struct Dot(string NodeId, ulong Counter) : IComparable<Dot>
{
    /// <summary>
    /// The largest counter either format (client contexts, sibling sets) accepts: 2^62.
    /// </summary>
    /// <remarks>
    /// No node reaches it: an actor mints one counter per coordinated write of one key during one
    /// incarnation, and 2^62 writes of one key at a billion a second take 146 years. Every counter
    /// that parses is therefore far below <see cref="ulong.MaxValue"/>, so the arithmetic done on
    /// them (the next dot, a counter plus the allowed lead of a lagging replica) cannot overflow,
    /// and a hostile context can neither crash a write nor make a key unwritable by claiming
    /// 2^64-1 or 2^64-2.
    /// </remarks>
    public const ulong MaxCounter = 1UL << 62;

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
