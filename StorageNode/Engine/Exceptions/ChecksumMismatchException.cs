using System.Globalization;

namespace PairDb.Engine;

/// <summary>A block or record whose CRC32 does not match its contents; the data is never returned.</summary>
public sealed class ChecksumMismatchException : StorageEngineException
{
    public ChecksumMismatchException(string filePath, long offset, uint expected, uint actual)
        : base(string.Create(CultureInfo.InvariantCulture, $"checksum validation failed file={filePath} offset={offset} expected=0x{expected:X8} actual=0x{actual:X8}"))
    {
        FilePath = filePath;
        Offset = offset;
        Expected = expected;
        Actual = actual;
    }

    public string FilePath { get; }

    public long Offset { get; }

    public uint Expected { get; }

    public uint Actual { get; }
}
