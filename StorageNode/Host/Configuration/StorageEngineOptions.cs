using Microsoft.Extensions.Logging;
using PairDb.Engine;

namespace PairDb.StorageNode.Configuration;

/// <summary>LSM engine settings (section <c>PairDb:StorageNode:Engine</c>); the data directory comes from <see cref="NodeOptions"/>.</summary>
public sealed class StorageEngineOptions
{
    public const string SectionName = NodeOptions.SectionName + ":Engine";

    /// <summary>
    /// <c>Sync</c>: a write is acknowledged after its commit-log fsync (group commit), so kill -9 loses
    /// nothing acknowledged. <c>Periodic</c>: fsync every <see cref="PeriodicSyncInterval"/>, acknowledged
    /// before. Default <c>Sync</c>.
    /// </summary>
    public DurabilityMode Durability { get; set; } = DurabilityMode.Sync;

    /// <summary>fsync period in <c>Periodic</c> mode. Default 100 ms.</summary>
    public TimeSpan PeriodicSyncInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Active memtable size that triggers a flush to L0. Default 64 MiB.</summary>
    public long MemtableSizeBytes { get; set; } = 64L << 20;

    /// <summary>Memtables waiting for flush beyond which writers are slowed. Default 4.</summary>
    public int MaxImmutableMemtables { get; set; } = 4;

    /// <summary>Commit-log segment size. Default 32 MiB.</summary>
    public long CommitLogSegmentBytes { get; set; } = 32L << 20;

    /// <summary>SSTable data block size. Default 4 KiB.</summary>
    public int BlockSizeBytes { get; set; } = 4096;

    /// <summary>Bloom filter bits per key. Default 10 (about 1% false positives).</summary>
    public int BloomBitsPerKey { get; set; } = 10;

    /// <summary>
    /// Leveled compaction (<c>Engine:Compaction:Automatic</c>, <c>Level0Trigger</c>, <c>BaseLevelSizeBytes</c>,
    /// <c>DynamicLevelSizing</c>, <c>LevelSizeRatio</c>, <c>TargetFileSizeBytes</c>, <c>TombstoneGracePeriod</c>,
    /// <c>MaxBytesPerSecond</c>). Defaults: the engine's (L0 trigger 4, 256 MiB base, 64 MiB files, 10 days, 256 MB/s).
    /// </summary>
    public CompactionOptions Compaction { get; set; } = new();

    /// <summary>Block cache (<c>Engine:Cache:CapacityBytes</c>, <c>Shards</c>, <c>EvictionRateWarningPerSecond</c>). Default 256 MiB.</summary>
    public BlockCacheOptions Cache { get; set; } = new();

    /// <summary>
    /// Runbook 5.2's <c>worker_pools</c>: <c>Engine:WorkerPools:FlushPool:MaxWorkers</c> / <c>QueueSize</c>, likewise
    /// <c>CompactionPool</c> and <c>StreamingPool</c>. Defaults 4/100, 2/50, 4/100; an empty MaxWorkers sizes from the cores.
    /// </summary>
    public WorkerPoolOptions WorkerPools { get; set; } = new();

    /// <summary>Tables verified in parallel by <c>integrity/scan-all</c>. Default max(1, cores / 2).</summary>
    public int ChecksumWorkers { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>
    /// The operator's "rebuild this node from its replicas" decision, for a node that refused to start because its
    /// MANIFEST is missing, unreadable, corrupt or of an unsupported version: at the next start the engine moves (never
    /// deletes) every table file, the broken manifest and the commit log to <c>&lt;data&gt;/quarantine-&lt;UTC timestamp&gt;/</c>,
    /// removes <c>&lt;data&gt;/IDENTITY</c>, and opens empty. No effect when the manifest is readable. Set it for one start
    /// (<c>PAIRDB_StorageNode__Engine__QuarantineUnaccountedFiles=true</c>), then clear it; the refused node's
    /// <c>POST /api/v1/recovery/quarantine</c> does the same without a restart. Default false.
    /// </summary>
    public bool QuarantineUnaccountedFiles { get; set; }

    /// <summary>The engine's own options for a node whose data lives in <paramref name="dataDirectory"/>.</summary>
    public LsmEngineOptions ToEngineOptions(string dataDirectory, ILoggerFactory loggerFactory, TimeProvider timeProvider) => new()
    {
        DataDirectory = dataDirectory,
        Durability = Durability,
        PeriodicSyncInterval = PeriodicSyncInterval,
        MemtableSizeBytes = MemtableSizeBytes,
        MaxImmutableMemtables = MaxImmutableMemtables,
        CommitLogSegmentBytes = CommitLogSegmentBytes,
        BlockSizeBytes = BlockSizeBytes,
        BloomBitsPerKey = BloomBitsPerKey,
        Compaction = Compaction,
        Cache = Cache,
        Pools = WorkerPools,
        ChecksumWorkers = ChecksumWorkers,
        QuarantineUnaccountedFiles = QuarantineUnaccountedFiles,
        LoggerFactory = loggerFactory,
        TimeProvider = timeProvider,
    };
}
