using System.Buffers.Binary;

namespace PairDb.Engine.Manifest;

/// <summary>
/// First 24 bytes of the manifest: <c>[u64 magic "PDBMANI1"][u32 version][u32 bodyLength][u32 bodyCrc][u32 reserved]</c>.
/// Version 1 bodies end after the tables; version 2 adds the sequence-time points. This build writes
/// <see cref="CurrentVersion"/> and reads every version from <see cref="OldestReadableVersion"/> up to it.
/// </summary>
internal readonly record struct ManifestHeader(int BodyLength, uint BodyCrc, uint Version = ManifestHeader.CurrentVersion)
{
    public const int Size = 24;
    public const uint CurrentVersion = 2;
    public const uint OldestReadableVersion = 1;
    public const ulong Magic = 0x31494E414D424450; // "PDBMANI1" read little-endian

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], BodyLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], BodyCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], 0);
    }

    public static ManifestHeader Parse(ReadOnlySpan<byte> source, string path)
    {
        if (source.Length < Size)
        {
            throw new CorruptFileException(path, source.Length, $"manifest truncated: {source.Length} bytes, the header alone needs {Size}");
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(source) != Magic)
        {
            throw new CorruptFileException(path, 0, "bad manifest magic");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(source[8..]);
        if (version < OldestReadableVersion || version > CurrentVersion)
        {
            throw new UnsupportedFormatVersionException(path, version, OldestReadableVersion, CurrentVersion);
        }

        return new ManifestHeader(BinaryPrimitives.ReadInt32LittleEndian(source[12..]), BinaryPrimitives.ReadUInt32LittleEndian(source[16..]), version);
    }
}
