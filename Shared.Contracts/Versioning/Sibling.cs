namespace PairDb.Contracts.Versioning;

/// <summary>
/// One concurrent version of a value: its dot, and either value bytes or a tombstone (a delete).
/// Immutable: the value memory must not be written after construction.
/// </summary>
public sealed class Sibling : IEquatable<Sibling>
{
    private Sibling(Dot dot, ReadOnlyMemory<byte> value, bool isTombstone, long expiresAtUnixMs, long writtenAtUnixMs)
    {
        Dot = dot;
        Value = value;
        IsTombstone = isTombstone;
        ExpiresAtUnixMs = expiresAtUnixMs;
        WrittenAtUnixMs = writtenAtUnixMs;
    }

    public Dot Dot { get; }

    /// <summary>The value bytes; empty for a tombstone.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    public bool IsTombstone { get; }

    /// <summary>Unix milliseconds after which the sibling reads as absent; 0 = never.</summary>
    public long ExpiresAtUnixMs { get; }

    /// <summary>
    /// Unix milliseconds the write was stamped with by the replica that coordinated it, set only for
    /// writes in last-writer-wins mode (<see cref="LastWriterWins"/>); 0 = none (a siblings-mode write).
    /// </summary>
    public long WrittenAtUnixMs { get; }

    public static Sibling Live(Dot dot, ReadOnlyMemory<byte> value, long expiresAtUnixMs = 0, long writtenAtUnixMs = 0)
    {
        Check(dot, expiresAtUnixMs, writtenAtUnixMs);
        return new Sibling(dot, value, isTombstone: false, expiresAtUnixMs, writtenAtUnixMs);
    }

    public static Sibling Tombstone(Dot dot, long writtenAtUnixMs = 0)
    {
        Check(dot, 0, writtenAtUnixMs);
        return new Sibling(dot, ReadOnlyMemory<byte>.Empty, isTombstone: true, 0, writtenAtUnixMs);
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

        if (order == 0)
        {
            order = a.ExpiresAtUnixMs.CompareTo(b.ExpiresAtUnixMs);
        }

        return order != 0 ? order : a.WrittenAtUnixMs.CompareTo(b.WrittenAtUnixMs);
    }

    public bool Equals(Sibling? other) =>
        other is not null
        && Dot == other.Dot
        && IsTombstone == other.IsTombstone
        && ExpiresAtUnixMs == other.ExpiresAtUnixMs
        && WrittenAtUnixMs == other.WrittenAtUnixMs
        && Value.Span.SequenceEqual(other.Value.Span);

    public override bool Equals(object? obj) => Equals(obj as Sibling);

    public override int GetHashCode() => HashCode.Combine(Dot, IsTombstone, ExpiresAtUnixMs, Value.Length);

    public override string ToString() =>
        (IsTombstone ? $"{Dot}=tombstone" : $"{Dot}={Value.Length}B" + (ExpiresAtUnixMs == 0 ? "" : $"@{ExpiresAtUnixMs}"))
        + (WrittenAtUnixMs == 0 ? "" : $" written {WrittenAtUnixMs}");

    private static void Check(Dot dot, long expiresAtUnixMs, long writtenAtUnixMs)
    {
        NodeIds.ThrowIfInvalid(dot.NodeId, nameof(dot));
        ArgumentOutOfRangeException.ThrowIfZero(dot.Counter, nameof(dot));
        ArgumentOutOfRangeException.ThrowIfNegative(expiresAtUnixMs);
        ArgumentOutOfRangeException.ThrowIfNegative(writtenAtUnixMs);
    }
}
