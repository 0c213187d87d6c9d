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
    private const string TempFileName = "MANIFEST.tmp";

    public string FilePath { get; } = Path.Combine(dataDirectory, FileName);

    public ManifestState Load()
    {
        var temp = Path.Combine(dataDirectory, TempFileName);
        if (fileSystem.FileExists(temp))
        {
            fileSystem.Delete(temp); // an interrupted replace; the old manifest is still authoritative
        }

        if (!fileSystem.FileExists(FilePath))
        {
            return ManifestState.Empty;
        }

        var bytes = fileSystem.ReadAllBytes(FilePath);
        var header = ManifestHeader.Parse(bytes, FilePath);
        if (header.BodyLength < 0 || header.BodyLength > bytes.Length - ManifestHeader.Size)
        {
            throw new CorruptFileException(FilePath, 12, "manifest body length exceeds the file");
        }

        var body = bytes.AsSpan(ManifestHeader.Size, header.BodyLength);
        var actual = Crc32.HashToUInt32(body);
        if (actual != header.BodyCrc)
        {
            throw new ChecksumMismatchException(FilePath, ManifestHeader.Size, header.BodyCrc, actual);
        }

        return ManifestState.ParseBody(body) ?? throw new CorruptFileException(FilePath, ManifestHeader.Size, "malformed manifest body");
    }

    public void Save(ManifestState state)
    {
        var bytes = Encode(state);
        var temp = Path.Combine(dataDirectory, TempFileName);
        if (fileSystem.FileExists(temp))
        {
            fileSystem.Delete(temp);
        }

        using (var file = fileSystem.Create(temp))
        {
            file.Write(0, bytes);
            file.Sync();
        }

        fileSystem.Replace(temp, FilePath);
        fileSystem.SyncDirectory(dataDirectory);
    }

    internal static byte[] Encode(ManifestState state)
    {
        var bytes = new byte[ManifestHeader.Size + state.BodySize];
        state.WriteBody(bytes.AsSpan(ManifestHeader.Size));
        new ManifestHeader(state.BodySize, Crc32.HashToUInt32(bytes.AsSpan(ManifestHeader.Size))).Write(bytes);
        return bytes;
    }
}
