using System.Buffers.Binary;
using PairDb.Engine.Format;

namespace PairDb.Engine.SSTable;

/// <summary>
/// One data block in the index block: <c>[varint keyLength][last key][i64 last sequence][BlockHandle]</c>.
/// The index block holds these for every data block in file order.
/// </summary>
internal readonly ref struct IndexBlockEntry(ReadOnlySpan<byte> lastKey, long lastSequence, BlockHandle handle)
{
    public ReadOnlySpan<byte> LastKey { get; } = lastKey;

    public long LastSequence { get; } = lastSequence;

    public BlockHandle Handle { get; } = handle;

    public int Size => VarInt.Size((uint)LastKey.Length) + LastKey.Length + 8 + BlockHandle.Size;

    public int Write(Span<byte> destination)
    {
        var p = VarInt.Write(destination, (uint)LastKey.Length);
        LastKey.CopyTo(destination[p..]);
        p += LastKey.Length;
        BinaryPrimitives.WriteInt64LittleEndian(destination[p..], LastSequence);
        Handle.Write(destination[(p + 8)..]);
        return p + 8 + BlockHandle.Size;
    }

    public static int Parse(ReadOnlySpan<byte> source, out IndexBlockEntry entry)
    {
        entry = default;
        var p = VarInt.Read(source, out var keyLength);
        if (p == 0 || (ulong)(source.Length - p) < keyLength + 8UL + BlockHandle.Size)
        {
            return 0;
        }

        var key = source.Slice(p, (int)keyLength);
        p += (int)keyLength;
        entry = new IndexBlockEntry(key, BinaryPrimitives.ReadInt64LittleEndian(source[p..]), BlockHandle.Parse(source[(p + 8)..]));
        return p + 8 + BlockHandle.Size;
    }
}
