using System.Runtime.CompilerServices;

namespace PairDb.Engine.MemTable;

/// <summary>
/// Point-lookup index of a memtable: key hash → the skip-list node of the key's newest version. Open addressing with
/// linear probing over 8-byte slots <c>[u16 hash tag][u48 node address]</c>, at most 3/4 full; eight slots share a
/// cache line and the tag spares a node visit for almost every slot that holds another key.
/// A get costs one or two cache lines instead of a skip-list descent; older versions are the node's level-0 successors.
/// One writer (the engine's write lock); readers lock-free: a slot is one 8-byte store, and a grown table is filled
/// completely before it replaces the old one, which stays readable (its memory is freed with the memtable's arena)
/// for readers that already hold it.
/// </summary>
internal sealed unsafe class MemTableHashIndex
{
    /// <summary>Bits of a node address kept in a slot.</summary>
    public const int AddressBits = 48;
    private const ulong AddressMask = (1UL << AddressBits) - 1;
    private readonly NativeArena _arena;
    private Table _table;
    private int _used;

    /// <param name="arena">Holds the tables; node addresses it hands out must fit in 48 bits (checked by the arena).</param>
    /// <param name="initialSlots">A power of two.</param>
    public MemTableHashIndex(NativeArena arena, int initialSlots)
    {
        _arena = arena;
        _table = NewTable(initialSlots);
    }

    /// <summary>Bytes of the live table.</summary>
    public long Bytes => (Volatile.Read(ref _table).Mask + 1L) * sizeof(ulong);

    /// <summary>Node of the newest version of <paramref name="key"/> (whose hash is <paramref name="hash"/>), or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nint Find(ulong hash, ReadOnlySpan<byte> key)
    {
        var table = Volatile.Read(ref _table);
        var tag = Tag(hash);
        for (var i = (int)hash & table.Mask; ; i = (i + 1) & table.Mask)
        {
            var slot = Volatile.Read(ref table.Slots[i]);
            if (slot == 0)
            {
                return 0;
            }

            var node = (nint)(slot & AddressMask);
            if ((slot & ~AddressMask) == tag && SkipListMemTable.KeyOfNode(node).SequenceEqual(key))
            {
                return node;
            }
        }
    }

    /// <summary>Points the key at <paramref name="node"/>, its newest version. Caller holds the engine's write lock.</summary>
    public void Set(ulong hash, ReadOnlySpan<byte> key, nint node)
    {
        var table = _table;
        var tag = Tag(hash);
        for (var i = (int)hash & table.Mask; ; i = (i + 1) & table.Mask)
        {
            var slot = table.Slots[i];
            if (slot == 0)
            {
                Volatile.Write(ref table.Slots[i], tag | (ulong)node);
                if (++_used * 4L > (table.Mask + 1L) * 3)
                {
                    Grow();
                }

                return;
            }

            if ((slot & ~AddressMask) == tag && SkipListMemTable.KeyOfNode((nint)(slot & AddressMask)).SequenceEqual(key))
            {
                Volatile.Write(ref table.Slots[i], tag | (ulong)node);
                return;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Tag(ulong hash) => hash & ~AddressMask;

    private void Grow()
    {
        var old = _table;
        var grown = NewTable((old.Mask + 1) * 2);
        for (var i = 0; i <= old.Mask; i++)
        {
            var slot = old.Slots[i];
            if (slot == 0)
            {
                continue;
            }

            // The slot keeps only 16 bits of the hash: re-hash the key to place it.
            var j = (int)SSTable.BloomFilter.Hash(SkipListMemTable.KeyOfNode((nint)(slot & AddressMask))) & grown.Mask;
            while (grown.Slots[j] != 0)
            {
                j = (j + 1) & grown.Mask;
            }

            grown.Slots[j] = slot;
        }

        Volatile.Write(ref _table, grown);
    }

    private Table NewTable(int slots)
    {
        var bytes = slots * sizeof(ulong);
        return new Table((ulong*)_arena.AllocateDedicatedZeroed(bytes), slots - 1);
    }

    private sealed class Table(ulong* slots, int mask)
    {
        public readonly ulong* Slots = slots;
        public readonly int Mask = mask;
    }
}
