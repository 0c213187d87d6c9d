namespace PairDb.Contracts.Versioning;

/// <summary>
/// One concurrent version of a value: its dot, and either value bytes or a tombstone (a delete).
/// Immutable: the value memory must not be written after construction.
/// </summary>
public sealed class Sibling : IEquatable<Sibling>
{
    private Sibling(Dot dot, ReadOnlyMemory<byte> value, bool isTombstone, long expiresAtUnixMs)
    {
        Dot = dot;
        Value = value;
        IsTombstone = isTombstone;
        ExpiresAtUnixMs = expiresAtUnixMs;
    }

    public Dot Dot { get; }

    /// <summary>The value bytes; empty for a tombstone.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    public bool IsTombstone { get; }

    /// <summary>Unix milliseconds after which the sibling reads as absent; 0 = never.</summary>
    public long ExpiresAtUnixMs { get; }

    public static Sibling Live(Dot dot, ReadOnlyMemory<byte> value, long expiresAtUnixMs = 0)
    {
        Check(dot, expiresAtUnixMs);
        return new Sibling(dot, value, isTombstone: false, expiresAtUnixMs);
    }

    public static Sibling Tombstone(Dot dot)
    {
        Check(dot, 0);
        return new Sibling(dot, ReadOnlyMemory<byte>.Empty, isTombstone: true, 0);
    }

    /// <summary>True when the sibling holds a value that has not expired at <paramref name="nowUnixMs"/>.</summary>
    public bool IsLiveAt(long nowUnixMs) => !IsTombstone && (ExpiresAtUnixMs == 0 || nowUnixMs < ExpiresAtUnixMs);

    /// <summary>
    /// A total order on content, used only to pick deterministically between two siblings that
    /// claim the same dot (which correct nodes never produce), so that merge stays commutative.
    /// </summary>
    internal static int CompareContent(Sibling a, Sibling b)
    {
        var order = a.IsTombstone.CompareTo(b.IsTombstone);
        if (order == 0)
        {
            order = a.Value.Span.SequenceCompareTo(b.Value.Span);
        }

        return order != 0 ? order : a.ExpiresAtUnixMs.CompareTo(b.ExpiresAtUnixMs);
    }

    public bool Equals(Sibling? other) =>
        other is not null
        && Dot == other.Dot
        && IsTombstone == other.IsTombstone
        && ExpiresAtUnixMs == other.ExpiresAtUnixMs
        && Value.Span.SequenceEqual(other.Value.Span);

    public override bool Equals(object? obj) => Equals(obj as Sibling);

    public override int GetHashCode() => HashCode.Combine(Dot, IsTombstone, ExpiresAtUnixMs, Value.Length);

    public override string ToString() =>
        IsTombstone ? $"{Dot}=tombstone" : $"{Dot}={Value.Length}B" + (ExpiresAtUnixMs == 0 ? "" : $"@{ExpiresAtUnixMs}");

    private static void Check(Dot dot, long expiresAtUnixMs)
    {
        NodeIds.ThrowIfInvalid(dot.NodeId, nameof(dot));
        ArgumentOutOfRangeException.ThrowIfZero(dot.Counter, nameof(dot));
        ArgumentOutOfRangeException.ThrowIfNegative(expiresAtUnixMs);
    }
}
