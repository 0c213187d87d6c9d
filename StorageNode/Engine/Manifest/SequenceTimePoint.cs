using System.Buffers.Binary;

namespace PairDb.Engine.Manifest;

/// <summary>
/// "Every write with a sequence at or below <see cref="Sequence"/> happened at or before <see cref="UnixMs"/>":
/// recorded at each flush so compaction can age tombstones, which carry no timestamp of their own.
/// Layout: <c>[i64 sequence][i64 unixMs]</c>.
/// </summary>
internal readonly record struct SequenceTimePoint(long Sequence, long UnixMs)
{
    public const int Size = 16;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], UnixMs);
    }

    public static SequenceTimePoint Parse(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadInt64LittleEndian(source), BinaryPrimitives.ReadInt64LittleEndian(source[8..]));
}
