using System.IO.Hashing;
using PairDb.Engine.IO;

namespace PairDb.Engine.Manifest;

/// <summary>
/// Reads and atomically replaces <c>MANIFEST</c>: write <c>MANIFEST.tmp</c>, fsync it, rename over
/// <c>MANIFEST</c>, fsync the directory. A crash leaves either the old or the new manifest, never a mix.
/// </summary>
internal sealed class ManifestStore(IStorageFileSystem fileSystem, string dataDirectory)
{
    public const string FileName = "MANIFEST";
    public const string TempFileName = FileName + AtomicFileWriter.TempSuffix;

    public string FilePath { get; } = Path.Combine(dataDirectory, FileName);

    public string TempFilePath { get; } = Path.Combine(dataDirectory, TempFileName);

    public bool Exists => fileSystem.FileExists(FilePath);

    /// <summary>
    /// The manifest, or null when there is no <c>MANIFEST</c> file (whether that is a fresh directory or a lost
    /// manifest is the caller's call). Throws <see cref="CorruptFileException"/>, <see cref="ChecksumMismatchException"/>,
    /// <see cref="UnsupportedFormatVersionException"/> or an I/O exception, and changes nothing on disk either way.
    /// </summary>
    public ManifestState? TryLoad()
    {
        if (!fileSystem.FileExists(FilePath))
        {
            return null;
        }

        var bytes = fileSystem.ReadAllBytes(FilePath);
        var header = ManifestHeader.Parse(bytes, FilePath);
        if (header.BodyLength < 0 || header.BodyLength > bytes.Length - ManifestHeader.Size)
        {
            throw new CorruptFileException(FilePath, 12, $"manifest truncated: the body needs {header.BodyLength} bytes, the file holds {bytes.Length - ManifestHeader.Size} after the header");
        }

        var body = bytes.AsSpan(ManifestHeader.Size, header.BodyLength);
        var actual = Crc32.HashToUInt32(body);
        if (actual != header.BodyCrc)
        {
            throw new ChecksumMismatchException(FilePath, ManifestHeader.Size, header.BodyCrc, actual);
        }

        return ManifestState.ParseBody(body, header.Version) ?? throw new CorruptFileException(FilePath, ManifestHeader.Size, "malformed manifest body");
    }

    /// <summary>
    /// Removes a <c>MANIFEST.tmp</c> left by an interrupted replace. Only once <c>MANIFEST</c> has been read (it is
    /// authoritative) or the directory is known fresh: with <c>MANIFEST</c> lost, the temp file may be the only copy.
    /// </summary>
    public void DeleteInterruptedReplace()
    {
        if (fileSystem.FileExists(TempFilePath))
        {
            fileSystem.Delete(TempFilePath);
        }
    }

    public void Save(ManifestState state)
    {
        AtomicFileWriter.Replace(fileSystem, FilePath, Encode(state));
    }

    internal static byte[] Encode(ManifestState state)
    {
        var bytes = new byte[ManifestHeader.Size + state.BodySize];
        state.WriteBody(bytes.AsSpan(ManifestHeader.Size));
        new ManifestHeader(state.BodySize, Crc32.HashToUInt32(bytes.AsSpan(ManifestHeader.Size))).Write(bytes);
        return bytes;
    }
}
