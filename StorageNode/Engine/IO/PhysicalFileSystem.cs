namespace PairDb.Engine.IO;

/// <summary>The real file system.</summary>
public sealed class PhysicalFileSystem : IStorageFileSystem
{
    public static PhysicalFileSystem Instance { get; } = new();

    public IStorageFile Create(string path, long preallocationSize = 0) =>
        new PhysicalFile(path, File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, FileOptions.None, preallocationSize));

    public IStorageFile OpenExisting(string path) =>
        new PhysicalFile(path, File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read));

    public void SyncDirectory(string directory) => NativeSync.SyncDirectory(directory);

    public void Replace(string source, string destination) => File.Move(source, destination, overwrite: true);

    public void Delete(string path) => File.Delete(path);

    public bool FileExists(string path) => File.Exists(path);

    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    public string[] ListFiles(string directory, string searchPattern) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, searchPattern) : [];

    public byte[] ReadAllBytes(string path) => File.ReadAllBytes(path);
}
