using System.IO.MemoryMappedFiles;
using Microsoft.Extensions.Logging;
using PairDb.Engine.Diagnostics;
using PairDb.Engine.Format;
using PairDb.Engine.IO;

namespace PairDb.Engine.SSTable;

/// <summary>
/// A live table, memory-mapped read-only. Index, bloom filter and properties are parsed into managed memory
/// at open; data blocks are read in place from the mapping, so a lookup makes no system call.
/// Each data block's CRC is checked the first time it is read; a block that passed is remembered as verified
/// (the mapping is read-only, so its bytes cannot change under us except through the kernel's page cache, which
/// the full integrity scan re-reads). Reference-counted: the file is unmapped, and deleted if obsolete,
/// only when the last version using it lets go.
/// </summary>
internal sealed unsafe partial class SSTableReader
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly EngineCounters _counters;
    private readonly ILogger _logger;
    private readonly BloomFilter _bloom;
    private readonly BlockCache? _cache;
    private readonly byte[] _verified;
    private byte[] _indexKeys = [];
    private int[] _keyStarts = [];
    private long[] _lastSequences = [];
    private ulong[] _lastKeyPrefixes = [];
    private BlockHandle[] _handles = [];
    private readonly bool _pointerAcquired;
    private int _references = 1;
    private volatile IStorageFileSystem? _obsoleteIn;

    private SSTableReader(string path, int level, long fileId, EngineCounters counters, ILogger logger, BlockCache? cache)
    {
        _cache = cache;
        Path = path;
        Level = level;
        FileId = fileId;
        _counters = counters;
        _logger = logger;
        FileSize = new FileInfo(path).Length;
        if (FileSize < SSTableFooter.Size)
        {
            throw new CorruptFileException(path, 0, "file shorter than an SSTable footer");
        }

        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _pointerAcquired = true;
            _base = pointer + _view.PointerOffset;
            Footer = SSTableFooter.Parse(Span(FileSize - SSTableFooter.Size, SSTableFooter.Size), path, FileSize - SSTableFooter.Size);
            LoadIndex(ReadMetaBlock(Footer.Index));
            _bloom = BloomFilter.Parse(ReadMetaBlock(Footer.Bloom)) ?? throw new CorruptFileException(path, Footer.Bloom.Offset, "malformed bloom filter block");
            Properties = PropertiesBlock.Parse(ReadMetaBlock(Footer.Properties)) ?? throw new CorruptFileException(path, Footer.Properties.Offset, "malformed properties block");
            _verified = new byte[_handles.Length];
        }
        catch
        {
            ReleaseMapping();
            throw;
        }
    }

    public string Path { get; }

    public int Level { get; }

    public long FileId { get; }

    public long FileSize { get; }

    public SSTableFooter Footer { get; }

    public PropertiesBlock Properties { get; }

    public int BlockCount => _handles.Length;

    public long BlockOffset(int block) => _handles[block].Offset;

    public static SSTableReader Open(string path, int level, long fileId, EngineCounters counters, ILogger logger, BlockCache? cache = null) =>
        new(path, level, fileId, counters, logger, cache);

    /// <summary>Finds the newest version of <paramref name="key"/> at or below <paramref name="snapshot"/>.</summary>
    public bool TryGet(ReadOnlySpan<byte> key, ulong hash, long snapshot, ref LookupResult result)
    {
        if (!_bloom.MayContain(hash))
        {
            return false;
        }

        var prefix = ByteKeyComparer.Prefix(key);
        for (var block = FindBlock(key, snapshot); block >= 0 && block < _handles.Length; block++)
        {
            var data = ReadBlock(block);
            data = data[SkipSmallerPrefixes(data, prefix)..];
            while (!data.IsEmpty)
            {
                var size = DataBlockEntry.Parse(data, out var entry);
                if (size == 0)
                {
                    throw new CorruptFileException(Path, _handles[block].Offset, "malformed data block entry");
                }

                var entryPrefix = ByteKeyComparer.Prefix(entry.Key);
                var c = entryPrefix != prefix ? (entryPrefix < prefix ? -1 : 1) : entry.Key.SequenceCompareTo(key);
                if (c > 0)
                {
                    return false;
                }

                if (c == 0 && entry.Sequence <= snapshot)
                {
                    result.Kind = entry.Kind;
                    result.Sequence = entry.Sequence;
                    result.ExpiresAtUnixMs = entry.ExpiresAtUnixMs;
                    result.Value = entry.Value;
                    return true;
                }

                data = data[size..];
            }
        }

        return false;
    }

    /// <summary>First block whose last internal key is at or after (key, sequence); -1 if none.</summary>
    public int FindBlock(ReadOnlySpan<byte> key, long sequence)
    {
        var prefix = ByteKeyComparer.Prefix(key);
        var prefixes = _lastKeyPrefixes;
        int lo = 0, hi = prefixes.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            // The prefix array is small and dense, so most steps are decided without touching the keys.
            var midPrefix = prefixes[mid];
            if (midPrefix > prefix || (midPrefix == prefix && CompareLastKey(mid, key, sequence) >= 0))
            {
                found = mid;
                hi = mid - 1;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return found;
    }

    private int CompareLastKey(int block, ReadOnlySpan<byte> key, long sequence) =>
        ByteKeyComparer.CompareInternal(_indexKeys.AsSpan(_keyStarts[block], _keyStarts[block + 1] - _keyStarts[block]), _lastSequences[block], key, sequence);

    /// <summary>The data block's bytes (without trailer), CRC-checked on first use; through the block cache when there is one.</summary>
    public ReadOnlySpan<byte> ReadBlock(int block)
    {
        if (_cache is { } cache)
        {
            if (cache.TryGet(FileId, block, out var cached))
            {
                return cached;
            }

            // A managed copy: a span handed out stays valid even if the cache evicts the block meanwhile.
            var copy = ReadBlockUncached(block).ToArray();
            cache.Insert(FileId, block, copy);
            return copy;
        }

        return ReadBlockUncached(block);
    }

    /// <summary>As <see cref="ReadBlock"/> but never touching the block cache (compaction inputs, integrity checks).</summary>
    public ReadOnlySpan<byte> ReadBlockUncached(int block)
    {
        var handle = _handles[block];
        var data = Span(handle.Offset, handle.Length);
        if (_verified[block] == 0)
        {
            Verify(data, handle);
            _verified[block] = 1;
        }

        return data;
    }

    internal ReadOnlySpan<byte> Span(long offset, int length) => new(_base + offset, length);

    private ReadOnlySpan<byte> ReadMetaBlock(BlockHandle handle)
    {
        if (handle.Offset < 0 || handle.Length < 0 || handle.Offset + handle.Length + BlockTrailer.Size > FileSize)
        {
            throw new CorruptFileException(Path, handle.Offset, "block handle outside the file");
        }

        var data = Span(handle.Offset, handle.Length);
        Verify(data, handle);
        return data;
    }

    private void Verify(ReadOnlySpan<byte> data, BlockHandle handle)
    {
        var expected = BlockTrailer.Parse(Span(handle.Offset + handle.Length, BlockTrailer.Size)).Crc;
        var actual = BlockTrailer.For(data).Crc;
        if (expected != actual)
        {
            Interlocked.Increment(ref _counters.ChecksumFailuresTotal);
            Interlocked.Increment(ref _counters.CorruptedEntriesTotal);
            EngineLog.ChecksumValidationFailed(_logger, Path, handle.Offset, expected, actual);
            ThrowChecksum(Path, handle.Offset, expected, actual);
        }
    }

    private static void ThrowChecksum(string path, long offset, uint expected, uint actual) =>
        throw new ChecksumMismatchException(path, offset, expected, actual);

    private void LoadIndex(ReadOnlySpan<byte> index)
    {
        var count = Footer.DataBlockCount;
        if (count <= 0 || count > index.Length)
        {
            throw new CorruptFileException(Path, Footer.Index.Offset, "bad data block count");
        }

        _handles = new BlockHandle[count];
        _lastSequences = new long[count];
        _keyStarts = new int[count + 1];
        _lastKeyPrefixes = new ulong[count];
        var keys = new byte[index.Length];
        var keyLength = 0;
        for (var i = 0; i < count; i++)
        {
            var size = IndexBlockEntry.Parse(index, out var entry);
            if (size == 0 || entry.Handle.Offset < 0 || entry.Handle.Offset + entry.Handle.Length + BlockTrailer.Size > FileSize)
            {
                throw new CorruptFileException(Path, Footer.Index.Offset, "malformed index block");
            }

            _handles[i] = entry.Handle;
            _lastSequences[i] = entry.LastSequence;
            _lastKeyPrefixes[i] = ByteKeyComparer.Prefix(entry.LastKey);
            _keyStarts[i] = keyLength;
            entry.LastKey.CopyTo(keys.AsSpan(keyLength));
            keyLength += entry.LastKey.Length;
            index = index[size..];
        }

        _keyStarts[count] = keyLength;
        _indexKeys = keys;
    }
}
