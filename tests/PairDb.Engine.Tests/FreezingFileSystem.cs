using PairDb.Engine.IO;

namespace PairDb.Engine.Tests;

/// <summary>
/// Emulates a process dying mid-operation: after <see cref="Budget"/> more mutating calls on table and manifest
/// files, every further mutation fails, so nothing after that point reaches the disk. Commit-log files are exempt
/// (their background syncs would make the step count depend on timing).
/// </summary>
internal sealed class FreezingFileSystem : IStorageFileSystem
{
    private readonly IStorageFileSystem _inner = PhysicalFileSystem.Instance;
    private int _budget = int.MaxValue;
    private int _performed;

    public int Budget
    {
        set
        {
            Volatile.Write(ref _performed, 0);
            Volatile.Write(ref _budget, value);
        }
    }

    /// <summary>True once a mutation was refused.</summary>
    public bool Frozen { get; private set; }

    public IStorageFile Create(string path, long preallocationSize = 0)
    {
        Step(path);
        return new File(this, _inner.Create(path, preallocationSize));
    }

    public IStorageFile OpenExisting(string path) => new File(this, _inner.OpenExisting(path));

    public void SyncDirectory(string directory)
    {
        Step(directory);
        _inner.SyncDirectory(directory);
    }

    public void Replace(string source, string destination)
    {
        Step(destination);
        _inner.Replace(source, destination);
    }

    public void Delete(string path)
    {
        Step(path);
        _inner.Delete(path);
    }

    public bool FileExists(string path) => _inner.FileExists(path);

    public void CreateDirectory(string path) => _inner.CreateDirectory(path);

    public string[] ListFiles(string directory, string searchPattern) => _inner.ListFiles(directory, searchPattern);

    public byte[] ReadAllBytes(string path) => _inner.ReadAllBytes(path);

    private void Step(string path)
    {
        if (path.Contains("commitlog", StringComparison.Ordinal))
        {
            return;
        }

        if (Interlocked.Increment(ref _performed) > Volatile.Read(ref _budget))
        {
            Frozen = true;
            throw new IOException($"simulated crash before touching {path}");
        }
    }

    private sealed class File(FreezingFileSystem owner, IStorageFile inner) : IStorageFile
    {
        public string Path => inner.Path;

        public long Length => inner.Length;

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            owner.Step(Path);
            inner.Write(offset, data);
        }

        public int Read(long offset, Span<byte> buffer) => inner.Read(offset, buffer);

        public void Sync()
        {
            owner.Step(Path);
            inner.Sync();
        }

        public void SetLength(long length)
        {
            owner.Step(Path);
            inner.SetLength(length);
        }

        public void Dispose() => inner.Dispose();
    }
}
