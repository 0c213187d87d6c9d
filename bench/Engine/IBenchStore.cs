namespace PairDb.Bench.Engine;

/// <summary>How writes are acknowledged by a store under test.</summary>
public enum StoreDurability
{
    /// <summary>Write-ahead log on, no fsync per write: the put/get/scan phases.</summary>
    Buffered,

    /// <summary>Each put is acknowledged only after its log record is fsynced: the concurrent-writers phase.</summary>
    Sync,
}

/// <summary>One engine under test, opened in its own directory. Implementations must be safe for concurrent Put.</summary>
public interface IBenchStore : IDisposable
{
    void Put(byte[] key, byte[] value);

    /// <summary>Returns whether the key was found; the value is materialised as a caller would need it.</summary>
    bool Get(byte[] key);

    /// <summary>Reads up to <paramref name="count"/> entries in key order from the smallest key, calling
    /// <paramref name="onEntry"/> after each one (the benchmark times entries there); returns the entries read.</summary>
    int Scan(int count, Action onEntry);

    /// <summary>Engine counters worth printing after a phase (flushes, stalls...), or null if it has none.</summary>
    string? Describe() => null;
}

/// <summary>Opens one flavour of an engine (e.g. ZoneTree with a given WAL mode) in a directory.</summary>
public interface IBenchEngine
{
    /// <summary>Row label, e.g. <c>zonetree(wal=sync)</c>.</summary>
    string Name { get; }

    /// <summary>Engine family used by the ratio lines: <c>pairdb</c>, <c>rocksdb</c>, <c>zonetree</c>.</summary>
    string Family { get; }

    IBenchStore Open(string directory, StoreDurability durability);
}
