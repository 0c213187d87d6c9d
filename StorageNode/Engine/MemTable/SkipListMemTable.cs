using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using PairDb.Engine.Format;
using PairDb.Engine.SSTable;

namespace PairDb.Engine.MemTable;

/// <summary>
/// A skip list whose nodes (header, next pointers, key, value) live in large arena chunks, so a put costs no
/// object allocation and the GC sees a few dozen arrays instead of millions of nodes.
/// One writer at a time (callers hold the engine's write lock); readers are lock-free: a node is fully written
/// before a volatile store links it in, and links are published bottom-up, as in LevelDB.
/// Order: key ascending, then sequence number descending, so the first node at or after (key, snapshot)
/// is the newest version visible to that snapshot.
/// </summary>
internal sealed class SkipListMemTable
{
    internal const int MaxHeight = 12;
    private const int ChunkShift = 21;
    private const int ChunkSize = 1 << ChunkShift;
    private const int OffsetMask = ChunkSize - 1;
    private const int MaxChunks = 1 << (31 - ChunkShift);

    // Node layout (offsets in bytes, node start 8-byte aligned):
    private const int KeyLengthOffset = 0;
    private const int ValueLengthOffset = 4;
    private const int SequenceOffset = 8;
    private const int ExpiresOffset = 16;
    private const int KindOffset = 24;
    private const int HeightOffset = 25;
    private const int NextOffset = 28;

    private readonly int _head;
    private readonly ulong[] _filter;
    private readonly int _filterMask;
    private byte[][] _chunks = new byte[16][];
    private int _chunkCount;
    private int _chunkUsed;
    private int _height = 1;
    private uint _random = 0x9E3779B9;
    private long _approximateBytes;
    private long _count;

    public SkipListMemTable(long id, long capacityBytes)
    {
        Id = id;
        // ~1 bit per 8 bytes of memtable (about 20 bits per small entry): a blocked filter, one word per key.
        var words = (int)Math.Min(1 << 24, BitOperations.RoundUpToPowerOf2((ulong)Math.Max(64, capacityBytes / 512)));
        _filter = new ulong[words];
        _filterMask = words - 1;
        AddChunk(ChunkSize);
        _chunkUsed = 8; // address 0 is the null link
        _head = Allocate(NodeSize(MaxHeight, 0, 0));
        var head = _chunks[0].AsSpan(_head);
        head[..(NextOffset + 4 * MaxHeight)].Clear();
        head[HeightOffset] = MaxHeight;
    }

    public long Id { get; }

    public long ApproximateBytes => Volatile.Read(ref _approximateBytes);

    public long Count => Volatile.Read(ref _count);

    public long MinSequence { get; private set; } = long.MaxValue;

    public long MaxSequence { get; private set; }

    public bool IsEmpty => Count == 0;

    /// <summary>Adds one version. Caller holds the engine's write lock.</summary>
    public void Add(ReadOnlySpan<byte> key, long sequence, EntryKind kind, long expiresAtUnixMs, ReadOnlySpan<byte> value)
    {
        Span<int> previous = stackalloc int[MaxHeight];
        var x = _head;
        for (var level = _height - 1; level >= 0; level--)
        {
            while (true)
            {
                var next = Next(x, level);
                if (next == 0 || Compare(next, key, sequence) >= 0)
                {
                    break;
                }

                x = next;
            }

            previous[level] = x;
        }

        var height = RandomHeight();
        if (height > _height)
        {
            for (var level = _height; level < height; level++)
            {
                previous[level] = _head;
            }

            Volatile.Write(ref _height, height);
        }

        var node = Allocate(NodeSize(height, key.Length, value.Length));
        var span = Node(node);
        BinaryPrimitives.WriteInt32LittleEndian(span[KeyLengthOffset..], key.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[ValueLengthOffset..], value.Length);
        BinaryPrimitives.WriteInt64LittleEndian(span[SequenceOffset..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(span[ExpiresOffset..], expiresAtUnixMs);
        span[KindOffset] = (byte)kind;
        span[HeightOffset] = (byte)height;
        var payload = NextOffset + (4 * height);
        key.CopyTo(span[payload..]);
        value.CopyTo(span[(payload + key.Length)..]);
        // Filter bits go in before the node is linked; the link's volatile store publishes both.
        var hash = BloomFilter.Hash(key);
        _filter[(int)hash & _filterMask] |= FilterBits(hash);
        for (var level = 0; level < height; level++)
        {
            NextRef(node, level) = Next(previous[level], level);
            Volatile.Write(ref NextRef(previous[level], level), node);
        }

        MinSequence = Math.Min(MinSequence, sequence);
        MaxSequence = Math.Max(MaxSequence, sequence);
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>False when <paramref name="key"/> (by its <see cref="BloomFilter.Hash"/>) is certainly not in this memtable.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MayContain(ulong hash)
    {
        var bits = FilterBits(hash);
        return (Volatile.Read(ref _filter[(int)hash & _filterMask]) & bits) == bits;
    }

    /// <summary>First node at or after (key, sequence) in memtable order, or 0.</summary>
    public int Seek(ReadOnlySpan<byte> key, long sequence)
    {
        var x = _head;
        for (var level = Volatile.Read(ref _height) - 1; level >= 0; level--)
        {
            while (true)
            {
                var next = Next(x, level);
                if (next == 0 || Compare(next, key, sequence) >= 0)
                {
                    break;
                }

                x = next;
            }
        }

        return Next(x, 0);
    }

    public int First() => Next(_head, 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Next(int node, int level) => Volatile.Read(ref NextRef(node, level));

    public ReadOnlySpan<byte> KeyOf(int node)
    {
        var span = Node(node);
        var keyLength = BinaryPrimitives.ReadInt32LittleEndian(span);
        return span.Slice(NextOffset + (4 * span[HeightOffset]), keyLength);
    }

    public ReadOnlySpan<byte> ValueOf(int node)
    {
        var span = Node(node);
        var keyLength = BinaryPrimitives.ReadInt32LittleEndian(span);
        var valueLength = BinaryPrimitives.ReadInt32LittleEndian(span[ValueLengthOffset..]);
        return span.Slice(NextOffset + (4 * span[HeightOffset]) + keyLength, valueLength);
    }

    public long SequenceOf(int node) => BinaryPrimitives.ReadInt64LittleEndian(Node(node)[SequenceOffset..]);

    public long ExpiresOf(int node) => BinaryPrimitives.ReadInt64LittleEndian(Node(node)[ExpiresOffset..]);

    public EntryKind KindOf(int node) => (EntryKind)Node(node)[KindOffset];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong FilterBits(ulong hash) => (1UL << (int)(hash >> 40)) | (1UL << (int)(hash >> 52)) | (1UL << (int)(hash >> 58));

    private static int NodeSize(int height, int keyLength, int valueLength) =>
        (NextOffset + (4 * height) + keyLength + valueLength + 7) & ~7;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Compare(int node, ReadOnlySpan<byte> key, long sequence)
    {
        var span = Node(node);
        var keyLength = BinaryPrimitives.ReadInt32LittleEndian(span);
        var c = span.Slice(NextOffset + (4 * span[HeightOffset]), keyLength).SequenceCompareTo(key);
        if (c != 0)
        {
            return c;
        }

        return sequence.CompareTo(BinaryPrimitives.ReadInt64LittleEndian(span[SequenceOffset..]));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Node(int node)
    {
        var chunk = Volatile.Read(ref _chunks)[node >>> ChunkShift];
        return chunk.AsSpan(node & OffsetMask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref int NextRef(int node, int level)
    {
        var chunk = Volatile.Read(ref _chunks)[node >>> ChunkShift];
        return ref Unsafe.As<byte, int>(ref chunk[(node & OffsetMask) + NextOffset + (4 * level)]);
    }

    private int RandomHeight()
    {
        // xorshift32; each level kept with probability 1/4.
        var r = _random;
        r ^= r << 13;
        r ^= r >> 17;
        r ^= r << 5;
        _random = r;
        var height = 1 + (BitOperations.TrailingZeroCount(r | (1u << 30)) / 2);
        return Math.Min(height, MaxHeight);
    }

    private int Allocate(int size)
    {
        if (_chunkUsed + size > _chunks[_chunkCount - 1].Length)
        {
            AddChunk(Math.Max(ChunkSize, size));
            _chunkUsed = 0;
        }

        var address = ((_chunkCount - 1) << ChunkShift) | _chunkUsed;
        _chunkUsed += size;
        Interlocked.Add(ref _approximateBytes, size);
        return address;
    }

    private void AddChunk(int size)
    {
        if (_chunkCount == MaxChunks)
        {
            throw new InvalidOperationException("memtable arena exhausted");
        }

        // A chunk larger than ChunkSize holds one big node at offset 0, so addresses still fit in 31 bits.
        var chunk = GC.AllocateUninitializedArray<byte>(size);
        var chunks = _chunks;
        if (_chunkCount == chunks.Length)
        {
            var grown = new byte[chunks.Length * 2][];
            chunks.CopyTo(grown, 0);
            chunks = grown;
        }

        chunks[_chunkCount] = chunk;
        Volatile.Write(ref _chunks, chunks);
        _chunkCount++;
    }
}
