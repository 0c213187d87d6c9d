namespace PairDb.Engine.Format;

/// <summary>Persisted in commit-log records and SSTable entries: the numeric values never change.</summary>
internal enum EntryKind : byte
{
    Tombstone = 0,
    Value = 1,

    /// <summary>A value followed by an 8-byte little-endian expiry (Unix milliseconds).</summary>
    ExpiringValue = 2,
}
