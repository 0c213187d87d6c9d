using System.Buffers.Binary;

namespace PairDb.Engine.Manifest;

/// <summary>One live table in the manifest body: <c>[u8 level][i64 fileId][i64 fileSize]</c>.</summary>
internal readonly record struct ManifestTableRecord(int Level, long FileId, long FileSize)
{
    public const int Size = 17;

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)Level;
        BinaryPrimitives.WriteInt64LittleEndian(destination[1..], FileId);
        BinaryPrimitives.WriteInt64LittleEndian(destination[9..], FileSize);
    }

    public static ManifestTableRecord Parse(ReadOnlySpan<byte> source) =>
        new(source[0], BinaryPrimitives.ReadInt64LittleEndian(source[1..]), BinaryPrimitives.ReadInt64LittleEndian(source[9..]));
}
