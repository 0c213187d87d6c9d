using System.Runtime.CompilerServices;
using PairDb.Engine.Format;

namespace PairDb.Engine.MemTable;

/// <summary>
/// One version as stored in a memtable's record arena, unaligned, native byte order (memory only, never persisted):
/// <c>[i32 keyLength][i32 valueLength][i64 sequence &lt;&lt; 8 | kind][i64 expiresAtUnixMs, only for ExpiringValue][key][value]</c>.
/// Sequence numbers stay far below 2^55, so shifting them left by 8 loses nothing.
/// </summary>
internal static unsafe class MemTableRecord
{
    private const int ValueLengthOffset = 4;
    private const int SequenceOffset = 8;
    private const int FixedSize = 16;

    public static byte* Write(NativeArena arena, ReadOnlySpan<byte> key, long sequence, EntryKind kind, long expiresAtUnixMs, ReadOnlySpan<byte> value)
    {
        var header = kind == EntryKind.ExpiringValue ? FixedSize + 8 : FixedSize;
        var record = arena.AllocateUnaligned(header + key.Length + value.Length);
        Unsafe.WriteUnaligned(record, key.Length);
        Unsafe.WriteUnaligned(record + ValueLengthOffset, value.Length);
        Unsafe.WriteUnaligned(record + SequenceOffset, (sequence << 8) | (long)kind);
        if (kind == EntryKind.ExpiringValue)
        {
            Unsafe.WriteUnaligned(record + FixedSize, expiresAtUnixMs);
        }

        key.CopyTo(new Span<byte>(record + header, key.Length));
        value.CopyTo(new Span<byte>(record + header + key.Length, value.Length));
        return record;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Key(byte* record) => new(record + HeaderSize(record), Unsafe.ReadUnaligned<int>(record));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Value(byte* record) =>
        new(record + HeaderSize(record) + Unsafe.ReadUnaligned<int>(record), Unsafe.ReadUnaligned<int>(record + ValueLengthOffset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Sequence(byte* record) => Unsafe.ReadUnaligned<long>(record + SequenceOffset) >>> 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Expires(byte* record) => Kind(record) == EntryKind.ExpiringValue ? Unsafe.ReadUnaligned<long>(record + FixedSize) : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static EntryKind Kind(byte* record) => (EntryKind)(byte)Unsafe.ReadUnaligned<long>(record + SequenceOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int HeaderSize(byte* record) => Kind(record) == EntryKind.ExpiringValue ? FixedSize + 8 : FixedSize;
}
