namespace PairDb.Engine.IO;

/// <summary>
/// Every write, sync, rename and delete the engine performs goes through this seam, so tests can inject
/// faults (failed fsync, short writes). SSTable reads map files directly and do not pass through it.
/// </summary>
public interface IStorageFileSystem
{
    /// <summary>Creates a new file (failing if it exists); <paramref name="preallocationSize"/> reserves space up front.</summary>
    IStorageFile Create(string path, long preallocationSize = 0);

    /// <summary>Opens an existing file for reading and writing.</summary>
    IStorageFile OpenExisting(string path);

    /// <summary>Makes renames, creations and deletions inside <paramref name="directory"/> durable.</summary>
    void SyncDirectory(string directory);

    /// <summary>Atomically replaces <paramref name="destination"/> with <paramref name="source"/>.</summary>
    void Replace(string source, string destination);

    void Delete(string path);

    bool FileExists(string path);

    void CreateDirectory(string path);

    /// <summary>File names (full paths) in <paramref name="directory"/> matching <paramref name="searchPattern"/>.</summary>
    string[] ListFiles(string directory, string searchPattern);

    byte[] ReadAllBytes(string path);
}
