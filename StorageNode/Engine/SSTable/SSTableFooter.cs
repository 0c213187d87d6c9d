using System.Buffers.Binary;
using System.IO.Hashing;

namespace PairDb.Engine.SSTable;

/// <summary>
/// Last 72 bytes of an SSTable: index, bloom and properties handles (the properties block holds the key and
/// sequence ranges), entry, tombstone and data-block counts, format version, a CRC of bytes 0..60 and the magic.
/// </summary>
internal readonly record struct SSTableFooter(
    BlockHandle Index,
    BlockHandle Bloom,
    BlockHandle Properties,
    long EntryCount,
    long TombstoneCount,
    int DataBlockCount)
{
    public const int Size = 72;
    public const uint CurrentVersion = 1;
    public const ulong Magic = 0x3130545353424450; // "PDBSST01" read little-endian
    private const int CrcOffset = 60;

    public void Write(Span<byte> destination)
    {
        Index.Write(destination);
        Bloom.Write(destination[12..]);
        Properties.Write(destination[24..]);
        BinaryPrimitives.WriteInt64LittleEndian(destination[36..], EntryCount);
        BinaryPrimitives.WriteInt64LittleEndian(destination[44..], TombstoneCount);
        BinaryPrimitives.WriteInt32LittleEndian(destination[52..], DataBlockCount);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[56..], CurrentVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[CrcOffset..], Crc32.HashToUInt32(destination[..CrcOffset]));
        BinaryPrimitives.WriteUInt64LittleEndian(destination[64..], Magic);
    }

    /// <summary>Parses and checks magic, version and CRC; throws <see cref="CorruptFileException"/> or <see cref="ChecksumMismatchException"/>.</summary>
    public static SSTableFooter Parse(ReadOnlySpan<byte> source, string path, long offset)
    {
        if (source.Length < Size || BinaryPrimitives.ReadUInt64LittleEndian(source[64..]) != Magic)
        {
            throw new CorruptFileException(path, offset, "bad SSTable magic");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(source[56..]);
        if (version != CurrentVersion)
        {
            throw new CorruptFileException(path, offset, $"unsupported SSTable version {version}");
        }

        var expected = BinaryPrimitives.ReadUInt32LittleEndian(source[CrcOffset..]);
        var actual = Crc32.HashToUInt32(source[..CrcOffset]);
        if (expected != actual)
        {
            throw new ChecksumMismatchException(path, offset, expected, actual);
        }

        return new SSTableFooter(
            BlockHandle.Parse(source),
            BlockHandle.Parse(source[12..]),
            BlockHandle.Parse(source[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[36..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[44..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[52..]));
    }
}
