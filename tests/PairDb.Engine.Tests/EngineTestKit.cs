using PairDb.Engine.Format;
using PairDb.Engine.SSTable;

namespace PairDb.Engine.Tests;

/// <summary>Looks inside an engine's tables: every stored version, as "key@level:kind".</summary>
internal static class EngineTestKit
{
    public static LsmEngineOptions CompactionOptions(TempDirectory dir, TimeProvider? time = null, bool automatic = false, long targetFileBytes = 64 << 20, int level0Trigger = 4, IO.IStorageFileSystem? fileSystem = null, bool dynamicLevels = false, Microsoft.Extensions.Logging.ILoggerFactory? logger = null, bool quarantine = false) => new()
    {
        DataDirectory = dir.Path,
        QuarantineUnaccountedFiles = quarantine,
        MemtableSizeBytes = 1 << 20,
        CommitLogSegmentBytes = 64 << 10,
        TimeProvider = time ?? TimeProvider.System,
        FileSystem = fileSystem ?? IO.PhysicalFileSystem.Instance,
        LoggerFactory = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
        Cache = new BlockCacheOptions { CapacityBytes = 1 << 20, Shards = 2 },
        Compaction = new CompactionOptions
        {
            Automatic = automatic,
            DynamicLevelSizing = dynamicLevels,
            Level0Trigger = level0Trigger,
            BaseLevelSizeBytes = 64 << 10,
            TargetFileSizeBytes = targetFileBytes,
            MaxBytesPerSecond = 0,
        },
    };

    /// <summary>Every version in every live table, sorted by key then newest first, e.g. <c>k@L1:Value=v2</c>.</summary>
    public static List<string> Survivors(LsmEngine engine)
    {
        var result = new List<(string Key, long Sequence, string Text)>();
        var version = engine.AcquireVersion();
        try
        {
            for (var level = 0; level < version.Levels.Length; level++)
            {
                foreach (var table in version.Levels[level])
                {
                    var it = new SSTableIterator(table, fillCache: false);
                    for (it.Seek([]); it.Valid; it.Next())
                    {
                        var key = Bytes.Text(it.Key.ToArray());
                        var text = it.Kind == EntryKind.Tombstone ? $"{key}@L{level}:Tombstone" : $"{key}@L{level}:{it.Kind}={Bytes.Text(it.Value.ToArray())}";
                        result.Add((key, it.Sequence, text));
                    }
                }
            }
        }
        finally
        {
            version.Release();
        }

        result.Sort((a, b) => a.Key != b.Key ? string.CompareOrdinal(a.Key, b.Key) : b.Sequence.CompareTo(a.Sequence));
        return result.ConvertAll(r => r.Text);
    }

    public static void PutFlush(LsmEngine engine, params (string Key, string? Value)[] entries)
    {
        foreach (var (key, value) in entries)
        {
            if (value is null)
            {
                engine.Delete(Bytes.Of(key));
            }
            else
            {
                engine.Put(Bytes.Of(key), Bytes.Of(value));
            }
        }

        engine.Flush();
    }

    public static string? ReadValue(LsmEngine engine, string key) => engine.TryGet(Bytes.Of(key), out var value) ? Bytes.Text(value) : null;

    /// <summary>Table files on disk, as file names, sorted.</summary>
    public static List<string> TableFilesOnDisk(string dataDirectory)
    {
        var files = Directory.GetFiles(Path.Combine(dataDirectory, "sstables"), "*.sst", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        files.Sort(StringComparer.Ordinal);
        return files!;
    }

    /// <summary>Table files the engine's live version names, sorted.</summary>
    public static List<string> LiveTableFiles(LsmEngine engine)
    {
        var version = engine.AcquireVersion();
        try
        {
            var files = version.Levels.SelectMany(l => l).Select(t => Path.GetFileName(t.Path)).ToList();
            files.Sort(StringComparer.Ordinal);
            return files;
        }
        finally
        {
            version.Release();
        }
    }

    /// <summary>Waits for a condition the engine reaches in the background; fails naming what it waited for.</summary>
    public static void WaitUntil(Func<bool> condition, string what, int timeoutMs = 20_000)
    {
        if (!SpinWait.SpinUntil(condition, timeoutMs))
        {
            Assert.Fail($"timed out after {timeoutMs} ms waiting for {what}");
        }
    }
}
