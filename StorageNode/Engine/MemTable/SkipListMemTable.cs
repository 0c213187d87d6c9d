using System.Numerics;
using System.Runtime.CompilerServices;
using PairDb.Engine.Format;
using PairDb.Engine.SSTable;

namespace PairDb.Engine.MemTable;

/// <summary>
/// A skip list in unmanaged arenas (see <see cref="NativeArena"/>): a put allocates no object and the GC never sees
/// the data. The search structure is kept small so that it stays in cache: an index node is
/// <c>[u64 keyPrefix][record*][next* × height]</c> (24–40 bytes), where keyPrefix is the key's first 8 bytes
/// big-endian and zero-padded, so one integer compare orders two keys unless their first 8 bytes tie; only then is the
/// record (<see cref="MemTableRecord"/>, in a separate arena with the key and value) read.
/// One writer at a time (callers hold the engine's write lock); readers are lock-free: a node is fully written
/// before a volatile store links it in, and links are published bottom-up, as in LevelDB.
/// Order: key ascending, then sequence number descending, so the first node at or after (key, snapshot)
/// is the newest version visible to that snapshot.
/// </summary>
internal sealed unsafe partial class SkipListMemTable
{
    internal const int MaxHeight = 12;
    private const int IndexChunkBytes = 1 << 20;
    private const int RecordChunkBytes = 4 << 20;
    private const int PrefixOffset = 0;
    private const int RecordOffset = 8;
    private const int NextOffset = 16;

    private readonly NativeArena _index = new(IndexChunkBytes);
    private readonly NativeArena _records = new(RecordChunkBytes);
    private readonly byte* _head;
    private readonly MemTableHashIndex _hashIndex;
    private int _height = 1;
    private uint _random = 0x9E3779B9;
    private long _count;
    private int _references = 1;

    public SkipListMemTable(long id, long capacityBytes)
    {
        Id = id;
        // Sized up front for entries of ~150 bytes, so a typical memtable never grows (rehashes) its point index.
        _hashIndex = new MemTableHashIndex(_index, (int)BitOperations.RoundUpToPowerOf2((ulong)Math.Clamp(capacityBytes / 192, 1 << 9, 1 << 22)));
        _head = _index.Allocate(NextOffset + (8 * MaxHeight));
        new Span<byte>(_head, NextOffset + (8 * MaxHeight)).Clear();
    }

    public long Id { get; }

    public long ApproximateBytes => _index.AllocatedBytes + _records.AllocatedBytes + _hashIndex.Bytes;

    public long Count => Volatile.Read(ref _count);

    public long MinSequence { get; private set; } = long.MaxValue;

    public long MaxSequence { get; private set; }

    public bool IsEmpty => Count == 0;

    /// <summary>Adds one version. Caller holds the engine's write lock.</summary>
    public void Add(ReadOnlySpan<byte> key, long sequence, EntryKind kind, long expiresAtUnixMs, ReadOnlySpan<byte> value)
    {
        var prefix = ByteKeyComparer.Prefix(key);
        var previous = stackalloc nint[MaxHeight];
        var x = _head;
        for (var level = _height - 1; level >= 0; level--)
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

            previous[level] = (nint)x;
        }

        var height = RandomHeight();
        if (height > _height)
        {
            for (var level = _height; level < height; level++)
            {
                previous[level] = (nint)_head;
            }

            Volatile.Write(ref _height, height);
        }

        var record = MemTableRecord.Write(_records, key, sequence, kind, expiresAtUnixMs, value);
        var node = _index.Allocate(NextOffset + (8 * height));
        *(ulong*)(node + PrefixOffset) = prefix;
        *(byte**)(node + RecordOffset) = record;
        for (var level = 0; level < height; level++)
        {
            var before = (byte*)previous[level];
            NextRef(node, level) = NextRef(before, level);
            Volatile.Write(ref NextRef(before, level), (nint)node);
        }

        // Only once the node is linked at level 0 may point lookups land on it and walk on to older versions.
        _hashIndex.Set(BloomFilter.Hash(key), key, (nint)node);

        MinSequence = Math.Min(MinSequence, sequence);
        MaxSequence = Math.Max(MaxSequence, sequence);
        Volatile.Write(ref _count, _count + 1);
    }

    public nint First() => (nint)NextPtr(_head, 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nint Next(nint node, int level) => (nint)NextPtr((byte*)node, level);

    public ReadOnlySpan<byte> KeyOf(nint node) => MemTableRecord.Key(RecordOf(node));

    public ReadOnlySpan<byte> ValueOf(nint node) => MemTableRecord.Value(RecordOf(node));

    public long SequenceOf(nint node) => MemTableRecord.Sequence(RecordOf(node));

    public long ExpiresOf(nint node) => MemTableRecord.Expires(RecordOf(node));

    public EntryKind KindOf(nint node) => MemTableRecord.Kind(RecordOf(node));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ReadOnlySpan<byte> KeyOfNode(nint node) => MemTableRecord.Key(RecordOf(node));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* RecordOf(nint node) => *(byte**)((byte*)node + RecordOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* NextPtr(byte* node, int level) => (byte*)Volatile.Read(ref NextRef(node, level));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref nint NextRef(byte* node, int level) => ref *(nint*)(node + NextOffset + (8 * level));

    /// <summary>Node's (key, sequence) against the target: negative when the node sorts first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Compare(byte* node, ulong prefix, ReadOnlySpan<byte> key, long sequence)
    {
        var nodePrefix = *(ulong*)(node + PrefixOffset);
        if (nodePrefix != prefix)
        {
            return nodePrefix < prefix ? -1 : 1;
        }

        return CompareRecord(*(byte**)(node + RecordOffset), key, sequence);
    }

    private static int CompareRecord(byte* record, ReadOnlySpan<byte> key, long sequence)
    {
        var c = MemTableRecord.Key(record).SequenceCompareTo(key);
        return c != 0 ? c : sequence.CompareTo(MemTableRecord.Sequence(record));
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
}
