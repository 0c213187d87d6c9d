using System.Buffers.Binary;
using System.IO.Hashing;

namespace PairDb.Engine.CommitLog;

/// <summary>
/// Precedes every commit-log record: <c>[u32 crc][u32 payloadLength][u64 firstSequence]</c>, little-endian.
/// The CRC32 covers bytes 4..16 of the header followed by the payload, so a torn header or payload both fail it.
/// </summary>
internal readonly record struct CommitLogRecordHeader(uint Crc, uint PayloadLength, long FirstSequence)
{
    public const int Size = 16;
    public const int Version = 1;

    public bool IsZero => Crc == 0 && PayloadLength == 0 && FirstSequence == 0;

    public static CommitLogRecordHeader Parse(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(source),
        BinaryPrimitives.ReadUInt32LittleEndian(source[4..]),
        BinaryPrimitives.ReadInt64LittleEndian(source[8..]));

    /// <summary>CRC of a record laid out contiguously (header then payload) in <paramref name="record"/>.</summary>
    public static uint ComputeCrc(ReadOnlySpan<byte> record) => Crc32.HashToUInt32(record[4..]);

    /// <summary>Writes length and sequence, then the CRC over them and the payload already at <c>record[Size..]</c>.</summary>
    public static void WriteSealed(Span<byte> record, int payloadLength, long firstSequence)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)payloadLength);
        BinaryPrimitives.WriteInt64LittleEndian(record[8..], firstSequence);
        BinaryPrimitives.WriteUInt32LittleEndian(record, ComputeCrc(record[..(Size + payloadLength)]));
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Crc);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], PayloadLength);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], FirstSequence);
    }
}
