namespace PairDb.Engine.Format;

/// <summary>The newest version of a key visible to a snapshot, as found in a memtable or table.</summary>
internal struct LookupResult
{
    public EntryKind Kind;
    public long Sequence;
    public long ExpiresAtUnixMs;
    public byte[]? Value;

    /// <summary>True when the version is a live value at <paramref name="nowUnixMs"/> (not a tombstone, not expired).</summary>
    public readonly bool IsLive(long nowUnixMs) =>
        Kind == EntryKind.Value || (Kind == EntryKind.ExpiringValue && ExpiresAtUnixMs > nowUnixMs);
}
