using PairDb.Engine.Format;
using PairDb.Engine.IO;

namespace PairDb.Engine.SSTable;

/// <summary>
/// Streams sorted versions into a new table: data blocks cut at ~BlockSizeBytes, then the index, bloom and
/// properties blocks and the footer, each block followed by its CRC. <see cref="Finish"/> fsyncs the file;
/// the caller makes it live by recording it in the manifest.
/// </summary>
internal sealed class SSTableWriter : IDisposable
{
    private const int OutputBufferBytes = 1 << 20;

    private readonly IStorageFile _file;
    private readonly int _blockSize;
    private readonly int _bloomBitsPerKey;
    private readonly List<ulong> _hashes = [];
    private byte[] _output = GC.AllocateUninitializedArray<byte>(OutputBufferBytes);
    private byte[] _block;
    private byte[] _index = new byte[16 << 10];
    private byte[] _lastKey = new byte[64];
    private int _lastKeyLength = -1;
    private long _lastSequence;
    private int _outputLength;
    private int _blockLength;
    private int _indexLength;
    private long _fileOffset;
    private long _entryCount;
    private long _tombstoneCount;
    private int _dataBlocks;
    private long _minSequence = long.MaxValue;
    private long _maxSequence;
    private byte[]? _smallestKey;
    private bool _finished;

    public SSTableWriter(IStorageFileSystem fileSystem, string path, int blockSizeBytes, int bloomBitsPerKey)
    {
        _file = fileSystem.Create(path);
        _blockSize = blockSizeBytes;
        _bloomBitsPerKey = bloomBitsPerKey;
        _block = GC.AllocateUninitializedArray<byte>(blockSizeBytes * 2);
        Path = path;
    }

    public string Path { get; }

    public long EntryCount => _entryCount;

    /// <summary>Bytes the file would have if finished now, less the metadata blocks.</summary>
    public long EstimatedSize => _fileOffset + _outputLength + _blockLength;

    /// <summary>Adds a version; calls must come in internal key order (key ascending, sequence descending).</summary>
    public void Add(ReadOnlySpan<byte> key, long sequence, EntryKind kind, long expiresAtUnixMs, ReadOnlySpan<byte> value)
    {
        var entry = new DataBlockEntry(key, value, kind, sequence, expiresAtUnixMs);
        var size = DataBlockEntry.SizeOf(key.Length, value.Length, kind);
        if (_blockLength > 0 && _blockLength + size > _blockSize)
        {
            FinishDataBlock();
        }

        EnsureCapacity(ref _block, _blockLength + size);
        _blockLength += entry.Write(_block.AsSpan(_blockLength));
        if (_lastKeyLength < 0 || !key.SequenceEqual(_lastKey.AsSpan(0, _lastKeyLength)))
        {
            _hashes.Add(BloomFilter.Hash(key));
            EnsureCapacity(ref _lastKey, key.Length);
            key.CopyTo(_lastKey);
            _lastKeyLength = key.Length;
        }

        _smallestKey ??= key.ToArray();
        _lastSequence = sequence;
        _entryCount++;
        if (kind == EntryKind.Tombstone)
        {
            _tombstoneCount++;
        }

        _minSequence = Math.Min(_minSequence, sequence);
        _maxSequence = Math.Max(_maxSequence, sequence);
    }

    /// <summary>Writes the metadata blocks and footer and fsyncs; returns the file size.</summary>
    public long Finish()
    {
        if (_entryCount == 0)
        {
            throw new InvalidOperationException("an SSTable needs at least one entry");
        }

        if (_blockLength > 0)
        {
            FinishDataBlock();
        }

        var index = WriteBlock(_index.AsSpan(0, _indexLength));
        var bloom = WriteBlock(BloomFilter.Build(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_hashes), _bloomBitsPerKey));
        var properties = new PropertiesBlock(_minSequence, _maxSequence, _smallestKey!, _lastKey.AsSpan(0, _lastKeyLength).ToArray());
        var propertiesBytes = new byte[properties.Size];
        properties.Write(propertiesBytes);
        var propertiesHandle = WriteBlock(propertiesBytes);
        Span<byte> footer = stackalloc byte[SSTableFooter.Size];
        new SSTableFooter(index, bloom, propertiesHandle, _entryCount, _tombstoneCount, _dataBlocks).Write(footer);
        Append(footer);
        FlushOutput();
        _file.Sync();
        _finished = true;
        return _fileOffset;
    }

    public void Dispose()
    {
        _file.Dispose();
        if (!_finished)
        {
            File.Delete(Path);
        }
    }

    private void FinishDataBlock()
    {
        var handle = WriteBlock(_block.AsSpan(0, _blockLength));
        var entry = new IndexBlockEntry(_lastKey.AsSpan(0, _lastKeyLength), _lastSequence, handle);
        EnsureCapacity(ref _index, _indexLength + entry.Size);
        _indexLength += entry.Write(_index.AsSpan(_indexLength));
        _blockLength = 0;
        _dataBlocks++;
    }

    private BlockHandle WriteBlock(ReadOnlySpan<byte> block)
    {
        var handle = new BlockHandle(_fileOffset + _outputLength, block.Length);
        Append(block);
        Span<byte> trailer = stackalloc byte[BlockTrailer.Size];
        BlockTrailer.For(block).Write(trailer);
        Append(trailer);
        return handle;
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_outputLength == _output.Length)
            {
                FlushOutput();
            }

            var n = Math.Min(data.Length, _output.Length - _outputLength);
            data[..n].CopyTo(_output.AsSpan(_outputLength));
            _outputLength += n;
            data = data[n..];
        }
    }

    private void FlushOutput()
    {
        _file.Write(_fileOffset, _output.AsSpan(0, _outputLength));
        _fileOffset += _outputLength;
        _outputLength = 0;
    }

    private static void EnsureCapacity(ref byte[] buffer, int needed)
    {
        if (needed > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(needed, buffer.Length * 2));
        }
    }
}
