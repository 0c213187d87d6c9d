using System.Buffers.Binary;
using System.IO.Hashing;

namespace PairDb.Engine.SSTable;

/// <summary>Follows every block (data, index, bloom, properties): <c>[u32 crc32 of the block's bytes]</c>.</summary>
internal readonly record struct BlockTrailer(uint Crc)
{
    public const int Size = 4;

    public static BlockTrailer For(ReadOnlySpan<byte> block) => new(Crc32.HashToUInt32(block));

    public static BlockTrailer Parse(ReadOnlySpan<byte> source) => new(BinaryPrimitives.ReadUInt32LittleEndian(source));

    public void Write(Span<byte> destination) => BinaryPrimitives.WriteUInt32LittleEndian(destination, Crc);
}
