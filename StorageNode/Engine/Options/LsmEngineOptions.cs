using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PairDb.Engine.IO;

namespace PairDb.Engine;

/// <summary>Settings of one engine instance. Every default is stated on its property.</summary>
public sealed class LsmEngineOptions
{
    /// <summary>Root folder holding <c>commitlog/</c>, <c>sstables/</c> and the manifest. Required.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Default <see cref="DurabilityMode.Periodic"/>.</summary>
    public DurabilityMode Durability { get; init; } = DurabilityMode.Periodic;

    /// <summary>How often the commit log is fsync'ed in periodic mode. Default 100 ms.</summary>
    public TimeSpan PeriodicSyncInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Size at which the active memtable becomes immutable and is flushed. Default 64 MiB.</summary>
    public long MemtableSizeBytes { get; init; } = 64L << 20;

    /// <summary>Immutable memtables allowed to wait for flush before writers stall. Default 4.</summary>
    public int MaxImmutableMemtables { get; init; } = 4;

    /// <summary>Size after which the commit log rolls to a new segment. Default 32 MiB.</summary>
    public long CommitLogSegmentBytes { get; init; } = 32L << 20;

    /// <summary>Target size of an SSTable data block. Default 4096 bytes.</summary>
    public int BlockSizeBytes { get; init; } = 4096;

    /// <summary>Bloom filter bits per key (~1% false positives at 10). Default 10.</summary>
    public int BloomBitsPerKey { get; init; } = 10;

    /// <summary>Default <see cref="NullLoggerFactory.Instance"/>.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Clock for TTL expiry and periodic sync. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>File-system seam (fault injection in tests). Default the physical file system.</summary>
    public IStorageFileSystem FileSystem { get; init; } = PhysicalFileSystem.Instance;

    /// <summary>Leveled compaction, tombstone and TTL garbage collection. Default <see cref="CompactionOptions"/>'s defaults.</summary>
    public CompactionOptions Compaction { get; init; } = new();

    /// <summary>Data block cache. Default 256 MiB, 16 shards.</summary>
    public BlockCacheOptions Cache { get; init; } = new();

    /// <summary>flush_pool, compaction_pool, streaming_pool. Default the runbook's 4/100, 2/50, 4/100.</summary>
    public WorkerPoolOptions Pools { get; init; } = new();

    /// <summary>Threads verifying blocks in a full integrity scan (<c>checksum_workers</c>). Default max(1, cores / 2).</summary>
    public int ChecksumWorkers { get; init; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>
    /// The operator's explicit "rebuild this node" decision. When the manifest is missing, unreadable, corrupt or of an
    /// unsupported version, <see cref="LsmEngine.Open"/> normally refuses (<see cref="ManifestUnavailableException"/>);
    /// with this set it instead moves every table file, the broken manifest and the commit-log segments to <c>quarantine-&lt;UTC timestamp&gt;/</c>
    /// in the data directory, removes <c>IDENTITY</c>, and opens empty. Has no effect when the manifest is readable.
    /// Set it for one start, then clear it. Default false.
    /// </summary>
    public bool QuarantineUnaccountedFiles { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new ArgumentException("DataDirectory must name a folder.", nameof(DataDirectory));
        }

        Require(PeriodicSyncInterval > TimeSpan.Zero, nameof(PeriodicSyncInterval), "must be positive");
        Require(MemtableSizeBytes >= 64 << 10 && MemtableSizeBytes <= 1L << 30, nameof(MemtableSizeBytes), "must be between 64 KiB and 1 GiB");
        Require(MaxImmutableMemtables >= 1, nameof(MaxImmutableMemtables), "must be at least 1");
        Require(CommitLogSegmentBytes >= 64 << 10 && CommitLogSegmentBytes <= 1L << 30, nameof(CommitLogSegmentBytes), "must be between 64 KiB and 1 GiB");
        Require(BlockSizeBytes >= 256 && BlockSizeBytes <= 1 << 20, nameof(BlockSizeBytes), "must be between 256 bytes and 1 MiB");
        Require(BloomBitsPerKey >= 1 && BloomBitsPerKey <= 64, nameof(BloomBitsPerKey), "must be between 1 and 64");
        ArgumentNullException.ThrowIfNull(LoggerFactory, nameof(LoggerFactory));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
        ArgumentNullException.ThrowIfNull(FileSystem, nameof(FileSystem));
        ArgumentNullException.ThrowIfNull(Compaction, nameof(Compaction));
        ArgumentNullException.ThrowIfNull(Cache, nameof(Cache));
        ArgumentNullException.ThrowIfNull(Pools, nameof(Pools));
        Require(ChecksumWorkers >= 1 && ChecksumWorkers <= 256, nameof(ChecksumWorkers), "must be between 1 and 256");
        Compaction.Validate();
        Cache.Validate();
        Pools.Validate();
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"{name} {rule}.", name);
        }
    }
}
