using System.Buffers;
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

    /// <summary>
    /// As <see cref="TryGet(ReadOnlySpan{byte}, out byte[])"/>, but appends the value to <paramref name="destination"/>
    /// (e.g. a pooled response buffer) instead of allocating an array for it.
    /// </summary>
    public bool TryGet(ReadOnlySpan<byte> key, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var sequence = Volatile.Read(ref _visibleSequence);
        var version = AcquireVersion();
        try
        {
            var result = default(LookupResult);
            if (!FindLive(version, sequence, key, ref result))
            {
                return false;
            }

            // Copied while the version is held: the span points into a memtable or a mapped table.
            destination.Write(result.Value);
            return true;
        }
        finally
        {
            version.Release();
        }
    }

    internal bool TryGetAt(EngineVersion version, long sequence, ReadOnlySpan<byte> key, [NotNullWhen(true)] out byte[]? value)
    {
        var result = default(LookupResult);
        if (FindLive(version, sequence, key, ref result))
        {
            value = result.Value.ToArray();
            return true;
        }

        value = null;
        return false;
    }

    private bool FindLive(EngineVersion version, long sequence, ReadOnlySpan<byte> key, ref LookupResult result) =>
        Find(version, sequence, key, ref result) && result.IsLive(result.Kind == EntryKind.ExpiringValue ? NowUnixMs() : 0);

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
        result.Value = memTable.ValueOf(node);
        return true;
    }
}
