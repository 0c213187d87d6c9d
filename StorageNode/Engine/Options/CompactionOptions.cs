namespace PairDb.Engine;

/// <summary>Leveled compaction settings. Every default is stated on its property.</summary>
public sealed class CompactionOptions
{
    /// <summary>Compactions start on their own after flushes when a level's score reaches 1. Default true.</summary>
    public bool Automatic { get; init; } = true;

    /// <summary>L0 table count that makes L0 -> L1 due (score 1). Default 4.</summary>
    public int Level0Trigger { get; init; } = 4;

    /// <summary>Target size of L1; level n targets base × ratio^(n-1). Default 256 MiB.</summary>
    public long BaseLevelSizeBytes { get; init; } = 256L << 20;

    /// <summary>
    /// Level targets follow the last level's actual size (RocksDB's level_compaction_dynamic_level_bytes): L0 compacts
    /// into the first level whose target fits <see cref="BaseLevelSizeBytes"/>, often the last level itself, which keeps
    /// space and write amplification down. When false, L1 targets the base size and each level ratio times more. Default true.
    /// </summary>
    public bool DynamicLevelSizing { get; init; } = true;

    /// <summary>Size ratio between consecutive levels. Default 10.</summary>
    public int LevelSizeRatio { get; init; } = 10;

    /// <summary>Compaction outputs are cut into files of about this size (never inside one key's versions). Default 64 MiB.</summary>
    public long TargetFileSizeBytes { get; init; } = 64L << 20;

    /// <summary>A tombstone is dropped only at the bottom level and only once it is this old, so replicas learn of the delete first. Default 10 days.</summary>
    public TimeSpan TombstoneGracePeriod { get; init; } = TimeSpan.FromDays(10);

    /// <summary>Cap on compaction output bytes per second across all jobs, so background work leaves the disk to foreground
    /// reads and writes; 0 means no cap. Emergency mode ignores it. Default 256 MB/s.</summary>
    public long MaxBytesPerSecond { get; init; } = 256L * 1000 * 1000;

    internal void Validate()
    {
        Require(Level0Trigger >= 2 && Level0Trigger <= 1000, nameof(Level0Trigger), "must be between 2 and 1000");
        Require(BaseLevelSizeBytes >= 64 << 10, nameof(BaseLevelSizeBytes), "must be at least 64 KiB");
        Require(LevelSizeRatio >= 2 && LevelSizeRatio <= 100, nameof(LevelSizeRatio), "must be between 2 and 100");
        Require(TargetFileSizeBytes >= 16 << 10 && TargetFileSizeBytes <= 4L << 30, nameof(TargetFileSizeBytes), "must be between 16 KiB and 4 GiB");
        Require(TombstoneGracePeriod >= TimeSpan.Zero, nameof(TombstoneGracePeriod), "must not be negative");
        Require(MaxBytesPerSecond >= 0, nameof(MaxBytesPerSecond), "must not be negative");
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"Compaction.{name} {rule}.", name);
        }
    }
}
