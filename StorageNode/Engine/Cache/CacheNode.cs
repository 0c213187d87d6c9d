namespace PairDb.Engine.Cache;

/// <summary>Which area of a W-TinyLFU shard a block sits in.</summary>
internal enum CacheArea : byte
{
    Window,
    Probation,
    Protected,
}

internal readonly record struct BlockKey(long FileId, int Block)
{
    public ulong Hash
    {
        get
        {
            var h = ((ulong)FileId * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)Block * 0xC2B2AE3D27D4EB4FUL);
            return h ^ (h >> 31);
        }
    }
}

/// <summary>An entry on one of a shard's intrusive LRU lists.</summary>
internal sealed class CacheNode(BlockKey key, ulong hash, byte[] data, long charge)
{
    public BlockKey Key { get; } = key;

    public ulong Hash { get; } = hash;

    public byte[] Data { get; } = data;

    public long Charge { get; } = charge;

    public CacheArea Area { get; set; }

    public CacheNode? Previous { get; set; }

    public CacheNode? Next { get; set; }
}

/// <summary>Doubly-linked LRU list: head is most recent, tail is the eviction end.</summary>
internal sealed class CacheList
{
    public CacheNode? Head { get; private set; }

    public CacheNode? Tail { get; private set; }

    public long Bytes { get; private set; }

    public void AddFirst(CacheNode node)
    {
        node.Previous = null;
        node.Next = Head;
        if (Head is not null)
        {
            Head.Previous = node;
        }

        Head = node;
        Tail ??= node;
        Bytes += node.Charge;
    }

    public void Remove(CacheNode node)
    {
        if (node.Previous is not null)
        {
            node.Previous.Next = node.Next;
        }
        else
        {
            Head = node.Next;
        }

        if (node.Next is not null)
        {
            node.Next.Previous = node.Previous;
        }
        else
        {
            Tail = node.Previous;
        }

        node.Previous = null;
        node.Next = null;
        Bytes -= node.Charge;
    }

    public void MoveToFirst(CacheNode node)
    {
        if (!ReferenceEquals(Head, node))
        {
            Remove(node);
            AddFirst(node);
        }
    }
}
