namespace PairDb.StorageNode.Disk;

/// <summary>Disk manager settings (section <c>PairDb:StorageNode:Disk</c>, runbook 1 and 5.1). Reloaded when configuration changes.</summary>
public sealed class DiskOptions
{
    public const string SectionName = Configuration.NodeOptions.SectionName + ":Disk";

    /// <summary>Threshold set the three thresholds start from: Default (80/90/95), Conservative (70/80/85), Aggressive (85/93/97). Default <c>Default</c>.</summary>
    public DiskThresholdPreset Preset { get; set; } = DiskThresholdPreset.Default;

    /// <summary>Usage percent that logs a warning; overrides the preset when set.</summary>
    public double? WarningThreshold { get; set; }

    /// <summary>Usage percent from which writes larger than <see cref="ThrottleWriteSizeBytes"/> get DISK_THROTTLED; overrides the preset when set.</summary>
    public double? ThrottleThreshold { get; set; }

    /// <summary>Usage percent from which every write gets DISK_FULL; overrides the preset when set.</summary>
    public double? CircuitBreakerThreshold { get; set; }

    /// <summary>Writes whose payload exceeds this many bytes are rejected while throttled. Default 64 KiB.</summary>
    public int ThrottleWriteSizeBytes { get; set; } = 64 << 10;

    /// <summary>How often usage is sampled. Default 5 s.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the usage warning is repeated while usage stays above the warning threshold. Default 5 min.</summary>
    public TimeSpan WarningLogInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// When set, usage is the bytes under the data directory divided by this capacity (a quota, or a
    /// tiny disk for tests) instead of the data volume's own usage. Default unset.
    /// </summary>
    public long? CapacityBytes { get; set; }

    /// <summary>
    /// Available bytes on the data volume below which every write gets DISK_FULL, whatever the usage percentage.
    /// Default: the engine's headroom (<see cref="EngineHeadroom"/>): one commit-log segment (the next preallocation)
    /// + one memtable (the table its flush writes before the log segments it frees can go) + what an L0 compaction
    /// writes before its inputs go (Level0Trigger memtables and one output file). With the engine's defaults
    /// (32 MiB segments, 64 MiB memtables, trigger 4, 64 MiB files) that is 416 MiB. 0 disables the floor.
    /// </summary>
    public long? CircuitBreakerMinAvailableBytes { get; set; }

    /// <summary>Available bytes below which large writes get DISK_THROTTLED. Default twice the circuit breaker floor.</summary>
    public long? ThrottleMinAvailableBytes { get; set; }

    /// <summary>Available bytes below which the usage warning is logged. Default three times the circuit breaker floor.</summary>
    public long? WarningMinAvailableBytes { get; set; }

    /// <summary>
    /// The byte floors in effect for an engine needing <paramref name="engineHeadroomBytes"/> (see
    /// <see cref="EngineHeadroom"/>): explicit values over the defaults derived from it.
    /// </summary>
    public DiskByteFloors EffectiveFloors(long engineHeadroomBytes)
    {
        var breaker = CircuitBreakerMinAvailableBytes ?? engineHeadroomBytes;
        var throttle = ThrottleMinAvailableBytes ?? Math.Max(breaker, 2 * breaker);
        var warning = WarningMinAvailableBytes ?? Math.Max(throttle, 3 * breaker);
        return new DiskByteFloors(warning, throttle, breaker);
    }

    /// <summary>
    /// The room the engine needs to keep working until writes stop: the next commit-log segment it preallocates,
    /// one memtable's table, and an L0 compaction's output (its Level0Trigger input tables of up to a memtable each,
    /// plus one output file of overlap), written in full before its inputs are deleted.
    /// </summary>
    public static long EngineHeadroom(long commitLogSegmentBytes, long memtableSizeBytes, int level0Trigger, long compactionTargetFileBytes) =>
        commitLogSegmentBytes + memtableSizeBytes + (level0Trigger * memtableSizeBytes) + compactionTargetFileBytes;

    /// <summary>The thresholds in effect: explicit values over the preset's.</summary>
    public DiskThresholds EffectiveThresholds()
    {
        var preset = DiskThresholds.For(Preset);
        return new DiskThresholds(
            WarningThreshold ?? preset.Warning,
            ThrottleThreshold ?? preset.Throttle,
            CircuitBreakerThreshold ?? preset.CircuitBreaker);
    }
}
