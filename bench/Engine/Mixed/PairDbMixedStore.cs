using PairDb.Engine;

namespace PairDb.Bench.Engine.Mixed;

/// <summary>pairdb with default options (periodic log sync, automatic compaction, 256 MiB block cache). The storage
/// node deletes flushed commit-log segments on a timer; <see cref="Maintain"/> does the same here.</summary>
public sealed class PairDbMixedStore(string directory) : IMixedStore
{
    private readonly LsmEngine _engine = LsmEngine.Open(new LsmEngineOptions { DataDirectory = directory });

    public string Family => "pairdb";

    public void Put(byte[] key, byte[] value) => _engine.Put(key, value);

    public bool Get(byte[] key) => _engine.TryGet(key, out _);

    public (long Hits, long Misses) CacheCounters()
    {
        var stats = _engine.Cache?.GetStatistics();
        return (stats?.Hits ?? 0, stats?.Misses ?? 0);
    }

    public void Maintain() => _engine.DeleteCleanableSegments();

    public string? Describe()
    {
        var s = _engine.GetStatistics();
        var c = _engine.Compaction.GetStatus();
        var d = _engine.GetDiskUsage();
        return $"log={s.CommitLogBytesWritten >> 20}MiB flushed={s.FlushedBytesTotal >> 20}MiB compacted={c.BytesOut >> 20}MiB " +
            $"compactions={c.CompactionsCompleted} running={c.RunningJobs.Count} write-stalls={s.WriteStallsTotal} " +
            $"stalled={s.WriteStallDuration.TotalMilliseconds:F0}ms sstables-by-level=[{string.Join(',', s.SSTableCountByLevel)}] " +
            $"disk: log={d.CommitLogBytes >> 20}MiB tables={d.SSTableBytes >> 20}MiB temp={d.TempBytes >> 20}MiB" +
            (_engine.Cache?.GetStatistics() is { } k
                ? $" cache: {k.SizeBytes >> 20}MiB entries={k.Entries} evictions={k.Evictions} rejected={k.AdmissionRejections} window={k.WindowPercent}%"
                : string.Empty);
    }

    public void Dispose() => _engine.Dispose();
}
