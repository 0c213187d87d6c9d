namespace PairDb.Engine.Tests;

/// <summary>A fresh directory under the system temp folder, removed on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pairdb-engine-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public LsmEngineOptions Options(DurabilityMode durability = DurabilityMode.Periodic, long memtableBytes = 64L << 20, TimeProvider? time = null) => new()
    {
        DataDirectory = Path,
        Durability = durability,
        MemtableSizeBytes = memtableBytes,
        CommitLogSegmentBytes = 64 << 10,
        TimeProvider = time ?? TimeProvider.System,
    };

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still mapped by a leaked reader; the OS temp cleaner gets it.
        }
    }
}
