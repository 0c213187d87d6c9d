using PairDb.Engine.Format;

namespace PairDb.Engine.Read;

/// <summary>
/// Merges children in internal order with a binary min-heap. Children are given newest source first, and
/// among equal (key, sequence) the newer source wins, which only matters for damaged inputs.
/// </summary>
internal sealed class MergingIterator : IInternalIterator
{
    private readonly IInternalIterator[] _children;
    private readonly int[] _heap;
    private int _count;

    public MergingIterator(IInternalIterator[] children)
    {
        _children = children;
        _heap = new int[children.Length];
    }

    public bool Valid => _count > 0;

    public ReadOnlySpan<byte> Key => Top.Key;

    public long Sequence => Top.Sequence;

    public EntryKind Kind => Top.Kind;

    public long ExpiresAtUnixMs => Top.ExpiresAtUnixMs;

    public ReadOnlySpan<byte> Value => Top.Value;

    private IInternalIterator Top => _children[_heap[0]];

    public void Seek(ReadOnlySpan<byte> key)
    {
        _count = 0;
        for (var i = 0; i < _children.Length; i++)
        {
            _children[i].Seek(key);
            if (_children[i].Valid)
            {
                _heap[_count++] = i;
            }
        }

        for (var i = (_count / 2) - 1; i >= 0; i--)
        {
            SiftDown(i);
        }
    }

    public void Next()
    {
        Top.Next();
        if (!Top.Valid)
        {
            _heap[0] = _heap[--_count];
        }

        if (_count > 0)
        {
            SiftDown(0);
        }
    }

    private bool Less(int a, int b)
    {
        var x = _children[a];
        var y = _children[b];
        var c = ByteKeyComparer.CompareInternal(x.Key, x.Sequence, y.Key, y.Sequence);
        return c < 0 || (c == 0 && a < b);
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            var left = (2 * i) + 1;
            if (left >= _count)
            {
                return;
            }

            var smallest = left + 1 < _count && Less(_heap[left + 1], _heap[left]) ? left + 1 : left;
            if (!Less(_heap[smallest], _heap[i]))
            {
                return;
            }

            (_heap[i], _heap[smallest]) = (_heap[smallest], _heap[i]);
            i = smallest;
        }
    }
}
