namespace PairDb.Engine.IO;

/// <summary>
/// Replaces a small file so that a crash at any instant leaves either the old content or the new, never
/// a mix: write <c>{path}.tmp</c>, fsync it, rename it over <paramref name="path"/>, fsync the directory
/// (the rename is not durable until the directory is; ALICE's LevelDB findings).
/// </summary>
public static class AtomicFileWriter
{
    public const string TempSuffix = ".tmp";

    public static void Replace(IStorageFileSystem fileSystem, string path, ReadOnlySpan<byte> bytes)
    {
        var temp = path + TempSuffix;
        if (fileSystem.FileExists(temp))
        {
            fileSystem.Delete(temp); // an interrupted replace; the old file is still authoritative
        }

        using (var file = fileSystem.Create(temp))
        {
            file.Write(0, bytes);
            file.Sync();
        }

        fileSystem.Replace(temp, path);
        var directory = Path.GetDirectoryName(path);
        fileSystem.SyncDirectory(string.IsNullOrEmpty(directory) ? Directory.GetCurrentDirectory() : directory);
    }
}
