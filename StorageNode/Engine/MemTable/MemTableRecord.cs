using System.Runtime.CompilerServices;
using PairDb.Engine.Format;

namespace PairDb.Engine.MemTable;

/// <summary>
/// One version as stored in a memtable's record arena: <c>[i32 keyLength][i32 valueLength][i64 sequence]
/// [i64 expiresAtUnixMs][u8 kind][7 bytes padding][key][value]</c>, native byte order (memory only, never persisted).
/// </summary>
internal static unsafe class MemTableRecord
{
    public const int HeaderSize = 32;
    private const int ValueLengthOffset = 4;
    private const int SequenceOffset = 8;
    private const int ExpiresOffset = 16;
    private const int KindOffset = 24;

    public static byte* Write(NativeArena arena, ReadOnlySpan<byte> key, long sequence, EntryKind kind, long expiresAtUnixMs, ReadOnlySpan<byte> value)
    {
        var record = arena.Allocate(HeaderSize + key.Length + value.Length);
        *(int*)record = key.Length;
        *(int*)(record + ValueLengthOffset) = value.Length;
        *(long*)(record + SequenceOffset) = sequence;
        *(long*)(record + ExpiresOffset) = expiresAtUnixMs;
        *(ulong*)(record + KindOffset) = (byte)kind;
        key.CopyTo(new Span<byte>(record + HeaderSize, key.Length));
        value.CopyTo(new Span<byte>(record + HeaderSize + key.Length, value.Length));
        return record;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Key(byte* record) => new(record + HeaderSize, *(int*)record);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Value(byte* record) => new(record + HeaderSize + *(int*)record, *(int*)(record + ValueLengthOffset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Sequence(byte* record) => *(long*)(record + SequenceOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Expires(byte* record) => *(long*)(record + ExpiresOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static EntryKind Kind(byte* record) => (EntryKind)record[KindOffset];
}
