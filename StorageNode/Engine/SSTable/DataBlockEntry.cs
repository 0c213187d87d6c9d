using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using PairDb.Engine.Format;

namespace PairDb.Engine.SSTable;

/// <summary>
/// One version in a data block: <c>[varint keyLength][varint valueLength][u8 kind][i64 sequence]
/// [i64 expiresAtUnixMs, only for ExpiringValue][key][value]</c>. Keys are stored whole (no prefix
/// compression) so a lookup compares them in place without rebuilding them.
/// </summary>
internal readonly ref struct DataBlockEntry
{
    public DataBlockEntry(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, EntryKind kind, long sequence, long expiresAtUnixMs)
    {
        Key = key;
        Value = value;
        Kind = kind;
        Sequence = sequence;
        ExpiresAtUnixMs = expiresAtUnixMs;
    }

    public ReadOnlySpan<byte> Key { get; }

    public ReadOnlySpan<byte> Value { get; }

    public EntryKind Kind { get; }

    public long Sequence { get; }

    public long ExpiresAtUnixMs { get; }

    public static int SizeOf(int keyLength, int valueLength, EntryKind kind) =>
        VarInt.Size((uint)keyLength) + VarInt.Size((uint)valueLength) + 9 + (kind == EntryKind.ExpiringValue ? 8 : 0) + keyLength + valueLength;

    public int Write(Span<byte> destination)
    {
        var p = VarInt.Write(destination, (uint)Key.Length);
        p += VarInt.Write(destination[p..], (uint)Value.Length);
        destination[p++] = (byte)Kind;
        BinaryPrimitives.WriteInt64LittleEndian(destination[p..], Sequence);
        p += 8;
        if (Kind == EntryKind.ExpiringValue)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[p..], ExpiresAtUnixMs);
            p += 8;
        }

        Key.CopyTo(destination[p..]);
        p += Key.Length;
        Value.CopyTo(destination[p..]);
        return p + Value.Length;
    }

    /// <summary>Parses the entry at the start of <paramref name="source"/>; returns its size, or 0 if malformed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Parse(ReadOnlySpan<byte> source, out DataBlockEntry entry)
    {
        entry = default;
        var p = VarInt.Read(source, out var keyLength);
        if (p == 0)
        {
            return 0;
        }

        var n = VarInt.Read(source[p..], out var valueLength);
        if (n == 0 || source.Length - p - n < 9)
        {
            return 0;
        }

        p += n;
        var kind = (EntryKind)source[p++];
        var sequence = BinaryPrimitives.ReadInt64LittleEndian(source[p..]);
        p += 8;
        long expires = 0;
        if (kind == EntryKind.ExpiringValue)
        {
            if (source.Length - p < 8)
            {
                return 0;
            }

            expires = BinaryPrimitives.ReadInt64LittleEndian(source[p..]);
            p += 8;
        }

        if ((ulong)(source.Length - p) < (ulong)keyLength + valueLength)
        {
            return 0;
        }

        entry = new DataBlockEntry(source.Slice(p, (int)keyLength), source.Slice(p + (int)keyLength, (int)valueLength), kind, sequence, expires);
        return p + (int)keyLength + (int)valueLength;
    }
}
