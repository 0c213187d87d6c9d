using PairDb.Engine.Core;
using PairDb.Engine.Format;
using PairDb.Engine.MemTable;
using PairDb.Engine.SSTable;

namespace PairDb.Engine;

/// <summary>
/// Forward scan over a snapshot without an allocation per entry: <see cref="Key"/> and <see cref="Value"/> are
/// views of buffers the cursor reuses, valid until the next <see cref="MoveNext"/>. Sees the live entries with
/// start &lt;= key &lt; end (tombstones and expired values are skipped) in key order. Bulk readers (streaming,
/// digests) use it: they read each table once, so the blocks they pass are not put in the block cache.
/// The snapshot must outlive the cursor.
/// </summary>
public sealed class EngineCursor
{
    private readonly long _sequence;
    private readonly byte[]? _end;
    private readonly long _now;
    private readonly Read.MergingIterator _merge;
    private byte[] _key = new byte[256];
    private byte[] _value = new byte[4096];
    private int _keyLength;
    private int _valueLength;

    internal EngineCursor(LsmEngine engine, EngineVersion version, long sequence, byte[]? start, byte[]? end)
    {
        _sequence = sequence;
        _end = end;
        _now = engine.NowUnixMs();
        var children = new List<Read.IInternalIterator> { new MemTableIterator(version.Active) };
        foreach (var memTable in version.Immutables)
        {
            children.Add(new MemTableIterator(memTable));
        }

        foreach (var level in version.Levels)
        {
            foreach (var table in level)
            {
                children.Add(new SSTableIterator(table, fillCache: false));
            }
        }

        _merge = new Read.MergingIterator([.. children]);
        _merge.Seek(start ?? []);
    }

    /// <summary>The current entry's key; valid until the next <see cref="MoveNext"/>.</summary>
    public ReadOnlySpan<byte> Key => _key.AsSpan(0, _keyLength);

    /// <summary>The current entry's value; valid until the next <see cref="MoveNext"/>.</summary>
    public ReadOnlySpan<byte> Value => _value.AsSpan(0, _valueLength);

    /// <summary>Advances to the next live entry; false at the end of the range.</summary>
    /// <exception cref="ChecksumMismatchException">A block on the way failed its CRC.</exception>
    public bool MoveNext()
    {
        while (_merge.Valid)
        {
            var key = _merge.Key;
            if (_end is not null && key.SequenceCompareTo(_end) >= 0)
            {
                return false;
            }

            if (_merge.Sequence > _sequence)
            {
                _merge.Next();
                continue;
            }

            Copy(key, ref _key, out _keyLength);
            var kind = _merge.Kind;
            var live = kind == EntryKind.Value || (kind == EntryKind.ExpiringValue && _merge.ExpiresAtUnixMs > _now);
            if (live)
            {
                Copy(_merge.Value, ref _value, out _valueLength);
            }

            do
            {
                _merge.Next(); // skip the older versions of this key
            }
            while (_merge.Valid && _merge.Key.SequenceEqual(Key));

            if (live)
            {
                return true;
            }
        }

        return false;
    }

    private static void Copy(ReadOnlySpan<byte> source, ref byte[] buffer, out int length)
    {
        if (source.Length > buffer.Length)
        {
            buffer = new byte[Math.Max(source.Length, buffer.Length * 2)];
        }

        source.CopyTo(buffer);
        length = source.Length;
    }
}
