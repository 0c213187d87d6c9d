namespace PairDb.Engine.Format;

/// <summary>
/// The newest version of a key visible to a snapshot, as found in a memtable or table. <see cref="Value"/> points into
/// the memtable or the table's mapping: valid only while the version that was searched is held.
/// </summary>
internal ref struct LookupResult
{
    public EntryKind Kind;
    public long Sequence;
    public long ExpiresAtUnixMs;
    public ReadOnlySpan<byte> Value;

    /// <summary>True when the version is a live value at <paramref name="nowUnixMs"/> (not a tombstone, not expired).</summary>
    public readonly bool IsLive(long nowUnixMs) =>
        Kind == EntryKind.Value || (Kind == EntryKind.ExpiringValue && ExpiresAtUnixMs > nowUnixMs);
}
