using PairDb.Engine.Format;
using PairDb.Engine.Read;

namespace PairDb.Engine.MemTable;

internal sealed class MemTableIterator(SkipListMemTable table) : IInternalIterator
{
    private nint _node;

    public bool Valid => _node != 0;

    public ReadOnlySpan<byte> Key => table.KeyOf(_node);

    public long Sequence => table.SequenceOf(_node);

    public EntryKind Kind => table.KindOf(_node);

    public long ExpiresAtUnixMs => table.ExpiresOf(_node);

    public ReadOnlySpan<byte> Value => table.ValueOf(_node);

    public void Seek(ReadOnlySpan<byte> key) => _node = key.IsEmpty ? table.First() : table.Seek(key, long.MaxValue);

    public void Next() => _node = table.Next(_node, 0);
}
