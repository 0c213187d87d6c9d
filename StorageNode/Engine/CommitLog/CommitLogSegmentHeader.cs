using System.Buffers.Binary;
using System.IO.Hashing;

namespace PairDb.Engine.CommitLog;

/// <summary>
/// First 32 bytes of a segment: <c>[u64 magic "PDBCLOG1"][u32 version][u32 crc of bytes 16..32][u64 segmentId][i64 firstSequence]</c>.
/// Every record in the segment has a sequence number at or above <see cref="FirstSequence"/>, and below the next segment's.
/// </summary>
internal readonly record struct CommitLogSegmentHeader(long SegmentId, long FirstSequence)
{
    public const int Size = 32;
    public const uint CurrentVersion = 1;
    public const ulong Magic = 0x31474F4C43424450; // "PDBCLOG1" read little-endian

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], CurrentVersion);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], SegmentId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], FirstSequence);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], Crc32.HashToUInt32(destination[16..Size]));
    }

    /// <summary>Returns false when the bytes are not a complete, intact header of a supported version.</summary>
    public static bool TryParse(ReadOnlySpan<byte> source, out CommitLogSegmentHeader header)
    {
        header = default;
        if (source.Length < Size
            || BinaryPrimitives.ReadUInt64LittleEndian(source) != Magic
            || BinaryPrimitives.ReadUInt32LittleEndian(source[8..]) != CurrentVersion
            || BinaryPrimitives.ReadUInt32LittleEndian(source[12..]) != Crc32.HashToUInt32(source[16..Size]))
        {
            return false;
        }

        header = new CommitLogSegmentHeader(
            BinaryPrimitives.ReadInt64LittleEndian(source[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[24..]));
        return true;
    }
}
