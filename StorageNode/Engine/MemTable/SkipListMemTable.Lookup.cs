using PairDb.Engine.Format;
using PairDb.Engine.SSTable;

namespace PairDb.Engine.MemTable;

internal sealed unsafe partial class SkipListMemTable
{
    /// <summary>
    /// Node of the newest version of <paramref name="key"/> at or below <paramref name="sequence"/>, or 0;
    /// <paramref name="hash"/> is the key's <see cref="BloomFilter.Hash"/>.
    /// </summary>
    public nint FindNewest(ulong hash, ReadOnlySpan<byte> key, long sequence)
    {
        var node = _hashIndex.Find(hash, key);
        if (node == 0 || MemTableRecord.Sequence(RecordOf(node)) <= sequence)
        {
            return node;
        }

        // Versions of a key are adjacent, newest first: walk down to the snapshot.
        while ((node = Next(node, 0)) != 0 && MemTableRecord.Key(RecordOf(node)).SequenceEqual(key))
        {
            if (MemTableRecord.Sequence(RecordOf(node)) <= sequence)
            {
                return node;
            }
        }

        return 0;
    }

    /// <summary>First node at or after (key, sequence) in memtable order, or 0.</summary>
    public nint Seek(ReadOnlySpan<byte> key, long sequence)
    {
        var prefix = ByteKeyComparer.Prefix(key);
        var x = _head;
        for (var level = Volatile.Read(ref _height) - 1; level >= 0; level--)
        {
            while (true)
            {
                var next = NextPtr(x, level);
                if (next == null || Compare(next, prefix, key, sequence) >= 0)
                {
                    break;
                }

                x = next;
            }
        }

        return (nint)NextPtr(x, 0);
    }
}
