using System.Diagnostics.CodeAnalysis;
using PairDb.Engine.Core;
using PairDb.Engine.Format;
using PairDb.Engine.MemTable;
using PairDb.Engine.SSTable;

namespace PairDb.Engine;

public sealed partial class LsmEngine
{
    /// <summary>Reads the newest live value of <paramref name="key"/>; false when absent, deleted or expired.</summary>
    /// <exception cref="ChecksumMismatchException">The block holding the key failed its CRC.</exception>
    public bool TryGet(ReadOnlySpan<byte> key, [NotNullWhen(true)] out byte[]? value)
    {
        // Sequence before version: every write at or below it is in this version or a newer one's tables.
        var sequence = Volatile.Read(ref _visibleSequence);
        var version = AcquireVersion();
        try
        {
            return TryGetAt(version, sequence, key, out value);
        }
        finally
        {
            version.Release();
        }
    }

    /// <summary>A consistent point-in-time view; dispose it to let go of the memtables and tables it pins.</summary>
    public EngineSnapshot GetSnapshot()
    {
        var sequence = Volatile.Read(ref _visibleSequence);
        return new EngineSnapshot(this, AcquireVersion(), sequence);
    }

    /// <summary>Live entries with start &lt;= key &lt; end in key order, over an implicit snapshot taken now. Null bounds are open.</summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> Scan(byte[]? startInclusive, byte[]? endExclusive)
    {
        var sequence = Volatile.Read(ref _visibleSequence);
        var version = AcquireVersion();
        return new ScanEnumerable(this, version, sequence, startInclusive, endExclusive, ownsVersion: true);
    }

    internal long NowUnixMs() => _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    internal EngineVersion AcquireVersion()
    {
        while (true)
        {
            ThrowIfDisposed();
            var version = Volatile.Read(ref _current);
            if (version.TryAcquire())
            {
                return version;
            }
        }
    }

    internal bool TryGetAt(EngineVersion version, long sequence, ReadOnlySpan<byte> key, [NotNullWhen(true)] out byte[]? value)
    {
        var result = default(LookupResult);
        if (Find(version, sequence, key, ref result) && result.IsLive(result.Kind == EntryKind.ExpiringValue ? NowUnixMs() : 0))
        {
            value = result.Value!;
            return true;
        }

        value = null;
        return false;
    }

    private static bool Find(EngineVersion version, long sequence, ReadOnlySpan<byte> key, ref LookupResult result)
    {
        var hash = BloomFilter.Hash(key);
        if (FindInMemTable(version.Active, sequence, key, hash, ref result))
        {
            return true;
        }

        foreach (var memTable in version.Immutables)
        {
            if (FindInMemTable(memTable, sequence, key, hash, ref result))
            {
                return true;
            }
        }

        var levels = version.Levels;
        foreach (var table in levels[0])
        {
            if (table.TryGet(key, hash, sequence, ref result))
            {
                return true;
            }
        }

        for (var level = 1; level < levels.Length; level++)
        {
            var table = FindCandidate(levels[level], key);
            if (table is not null && table.TryGet(key, hash, sequence, ref result))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The one table of a sorted, disjoint level whose key range could hold <paramref name="key"/>.</summary>
    private static SSTableReader? FindCandidate(SSTableReader[] level, ReadOnlySpan<byte> key)
    {
        int lo = 0, hi = level.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (level[mid].Properties.LargestKey.AsSpan().SequenceCompareTo(key) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo < level.Length && level[lo].Properties.SmallestKey.AsSpan().SequenceCompareTo(key) <= 0 ? level[lo] : null;
    }

    private static bool FindInMemTable(SkipListMemTable memTable, long sequence, ReadOnlySpan<byte> key, ulong hash, ref LookupResult result)
    {
        var node = memTable.FindNewest(hash, key, sequence);
        if (node == 0)
        {
            return false;
        }

        result.Kind = memTable.KindOf(node);
        result.Sequence = memTable.SequenceOf(node);
        result.ExpiresAtUnixMs = memTable.ExpiresOf(node);
        result.Value = result.Kind == EntryKind.Tombstone ? null : memTable.ValueOf(node).ToArray();
        return true;
    }
}
