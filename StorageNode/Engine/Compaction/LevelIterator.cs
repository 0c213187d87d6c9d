using PairDb.Engine.Format;
using PairDb.Engine.Read;
using PairDb.Engine.SSTable;

namespace PairDb.Engine.Compaction;

/// <summary>
/// The tables of one level ≥ 1 (sorted, disjoint) read as a single run, so a merge's heap holds one child per level
/// instead of one per table. Tables are opened one at a time as the walk reaches them.
/// </summary>
internal sealed class LevelIterator(SSTableReader[] tables, Action<int>? onBlock) : IInternalIterator
{
    private int _index = -1;
    private SSTableIterator? _current;

    public bool Valid => _current is { Valid: true };

    public ReadOnlySpan<byte> Key => _current!.Key;

    public long Sequence => _current!.Sequence;

    public EntryKind Kind => _current!.Kind;

    public long ExpiresAtUnixMs => _current!.ExpiresAtUnixMs;

    public ReadOnlySpan<byte> Value => _current!.Value;

    public void Seek(ReadOnlySpan<byte> key)
    {
        _index = 0;
        while (_index < tables.Length && !key.IsEmpty && tables[_index].Properties.LargestKey.AsSpan().SequenceCompareTo(key) < 0)
        {
            _index++;
        }

        Open(key);
    }

    public void Next()
    {
        _current!.Next();
        if (!_current.Valid)
        {
            _index++;
            Open([]);
        }
    }

    private void Open(ReadOnlySpan<byte> key)
    {
        _current = null;
        while (_index < tables.Length)
        {
            _current = new SSTableIterator(tables[_index], fillCache: false, onBlock);
            _current.Seek(key);
            if (_current.Valid)
            {
                return;
            }

            _index++;
        }
    }
}
