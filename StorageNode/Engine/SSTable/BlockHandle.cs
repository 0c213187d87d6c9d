using System.Buffers.Binary;

namespace PairDb.Engine.SSTable;

/// <summary>Where a block lives: <c>[u64 offset][u32 length]</c>; the length excludes the 4-byte CRC trailer that follows.</summary>
internal readonly record struct BlockHandle(long Offset, int Length)
{
    public const int Size = 12;

    public static BlockHandle Parse(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadInt64LittleEndian(source), BinaryPrimitives.ReadInt32LittleEndian(source[8..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, Offset);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], Length);
    }
}
