using PairDb.Engine.IO;

namespace PairDb.Engine.Tests;

/// <summary>Where <see cref="FaultyFileSystem"/> injects its error.</summary>
public enum DiskFault
{
    /// <summary>Writes to an open commit-log segment.</summary>
    CommitLogAppend,

    /// <summary>Creating (preallocating) a commit-log segment.</summary>
    CommitLogPreallocate,

    /// <summary>fdatasync of a commit-log segment.</summary>
    CommitLogFsync,

    /// <summary>Creating or writing a table file (a memtable flush).</summary>
    MemtableFlush,
}

/// <summary>
/// The physical file system, except that while <see cref="Fault"/> is set the chosen operation fails with the chosen
/// errno, as the kernel reports it: ENOSPC ("No space left on device", HResult 28) or EIO ("Input/output error", 5).
/// </summary>
internal sealed class FaultyFileSystem : IStorageFileSystem
{
    public const int Enospc = 28;
    public const int Eio = 5;

    private readonly IStorageFileSystem _inner = PhysicalFileSystem.Instance;
    private volatile StrongBox? _fault;

    /// <summary>Arms <paramref name="fault"/> failing with <paramref name="errno"/>; <see cref="Clear"/> disarms it.</summary>
    public void Inject(DiskFault fault, int errno) => _fault = new StrongBox(fault, errno);

    public void Clear() => _fault = null;

    /// <summary>How many operations failed because of the injected fault.</summary>
    public int Injected => _injected;

    private int _injected;

    public IStorageFile Create(string path, long preallocationSize = 0)
    {
        Check(IsLog(path) ? DiskFault.CommitLogPreallocate : IsTable(path) ? DiskFault.MemtableFlush : null, path);
        return new File(this, _inner.Create(path, preallocationSize));
    }

    public IStorageFile OpenExisting(string path) => new File(this, _inner.OpenExisting(path));

    public void SyncDirectory(string directory) => _inner.SyncDirectory(directory);

    public void Replace(string source, string destination) => _inner.Replace(source, destination);

    public void Delete(string path) => _inner.Delete(path);

    public bool FileExists(string path) => _inner.FileExists(path);

    public void CreateDirectory(string path) => _inner.CreateDirectory(path);

    public string[] ListFiles(string directory, string searchPattern) => _inner.ListFiles(directory, searchPattern);

    public byte[] ReadAllBytes(string path) => _inner.ReadAllBytes(path);

    private static bool IsLog(string path) => path.Contains("commitlog", StringComparison.Ordinal);

    private static bool IsTable(string path) => path.EndsWith(".sst", StringComparison.Ordinal);

    private void Check(DiskFault? operation, string path)
    {
        if (operation is { } op && _fault is { } fault && fault.Fault == op)
        {
            Interlocked.Increment(ref _injected);
            var message = fault.Errno == Enospc ? "No space left on device" : "Input/output error";
            throw new IOException($"{message} : '{path}'", fault.Errno);
        }
    }

    private sealed record StrongBox(DiskFault Fault, int Errno);

    private sealed class File(FaultyFileSystem owner, IStorageFile inner) : IStorageFile
    {
        public string Path => inner.Path;

        public long Length => inner.Length;

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            owner.Check(IsLog(Path) ? DiskFault.CommitLogAppend : IsTable(Path) ? DiskFault.MemtableFlush : null, Path);
            inner.Write(offset, data);
        }

        public int Read(long offset, Span<byte> buffer) => inner.Read(offset, buffer);

        public void Sync()
        {
            owner.Check(IsLog(Path) ? DiskFault.CommitLogFsync : IsTable(Path) ? DiskFault.MemtableFlush : null, Path);
            inner.Sync();
        }

        public void SetLength(long length) => inner.SetLength(length);

        public void Dispose() => inner.Dispose();
    }
}
