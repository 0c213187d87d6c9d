using PairDb.Engine.Format;
using PairDb.Engine.Read;

namespace PairDb.Engine.SSTable;

/// <summary>
/// Walks a table block by block; a block is CRC-checked before any of its entries is returned. Scans go through the
/// block cache (<paramref name="fillCache"/>); compaction does not, so rewriting a level cannot push out the hot set.
/// </summary>
internal sealed class SSTableIterator(SSTableReader table, bool fillCache = true, Action<int>? onBlock = null) : IInternalIterator
{
    private int _block = -1;
    private long _blockStart;
    private int _blockLength;
    private int _position;
    private int _entrySize;
    private int _keyOffset;
    private int _keyLength;
    private int _valueLength;

    public bool Valid { get; private set; }

    public ReadOnlySpan<byte> Key => table.Span(_blockStart + _keyOffset, _keyLength);

    public long Sequence { get; private set; }

    public EntryKind Kind { get; private set; }

    public long ExpiresAtUnixMs { get; private set; }

    public ReadOnlySpan<byte> Value => table.Span(_blockStart + _keyOffset + _keyLength, _valueLength);

    public void Seek(ReadOnlySpan<byte> key)
    {
        var block = key.IsEmpty ? 0 : table.FindBlock(key, long.MaxValue);
        if (block < 0)
        {
            Valid = false;
            return;
        }

        LoadBlock(block);
        while (Valid && Key.SequenceCompareTo(key) < 0)
        {
            Next();
        }
    }

    public void Next()
    {
        _position += _entrySize;
        if (_position < _blockLength)
        {
            ParseCurrent();
            return;
        }

        if (_block + 1 < table.BlockCount)
        {
            LoadBlock(_block + 1);
        }
        else
        {
            Valid = false;
        }
    }

    private void LoadBlock(int block)
    {
        var data = fillCache ? table.ReadBlock(block) : table.ReadBlockUncached(block);
        onBlock?.Invoke(data.Length);
        _block = block;
        _blockStart = table.BlockOffset(block);
        _blockLength = data.Length;
        _position = 0;
        ParseCurrent();
    }

    private void ParseCurrent()
    {
        var data = table.Span(_blockStart + _position, _blockLength - _position);
        var size = DataBlockEntry.Parse(data, out var entry);
        if (size == 0)
        {
            throw new CorruptFileException(table.Path, _blockStart + _position, "malformed data block entry");
        }

        _entrySize = size;
        _keyLength = entry.Key.Length;
        _valueLength = entry.Value.Length;
        _keyOffset = _position + size - _keyLength - _valueLength;
        Sequence = entry.Sequence;
        Kind = entry.Kind;
        ExpiresAtUnixMs = entry.ExpiresAtUnixMs;
        Valid = true;
    }
}
