namespace PairDb.StorageNode.Admin;

// The JSON of GET /health (runbook 6.1), snake_case on the wire. cache_status and metrics.cache_hit_rate
// are null when the block cache is disabled, rather than invented figures. worker_pools is keyed by
// pool name (flush_pool, compaction_pool, streaming_pool).

public sealed record HealthReport(
    string Status,
    string NodeId,
    double DiskUsagePercent,
    DiskStatusReport DiskStatus,
    CacheStatusReport? CacheStatus,
    MemtableStatusReport MemtableStatus,
    IReadOnlyDictionary<string, WorkerPoolReport>? WorkerPools,
    HealthMetricsReport Metrics,
    bool Maintenance,
    bool NeedsRepair,
    ReadOnlyReport? ReadOnly = null)
{
    /// <summary>The incarnation new dots are minted under (<c>node_id@incarnation</c>); see GET /api/v1/identity.</summary>
    public string? Incarnation { get; init; }
}

/// <summary>
/// Why the node is read-only (null while it takes writes): the failed operation (commitlog_append,
/// commitlog_preallocate, commitlog_fsync, memtable_flush), its file and error; what the automatic resume is waiting
/// for, or why its last attempt failed.
/// </summary>
public sealed record ReadOnlyReport(
    DateTimeOffset Since,
    string Operation,
    string File,
    string Error,
    bool DiskFull,
    string? WaitingFor,
    string? ResumeError);

public sealed record DiskStatusReport(
    string Status,
    double UsagePercent,
    long AvailableBytes,
    long CapacityBytes,
    bool IsThrottled,
    bool IsCircuitBroken,
    double WarningThreshold,
    double ThrottleThreshold,
    double CircuitBreakerThreshold,
    DateTimeOffset SampledAt,
    long? VolumeAvailableBytes = null,
    long WarningMinAvailableBytes = 0,
    long ThrottleMinAvailableBytes = 0,
    long CircuitBreakerMinAvailableBytes = 0,
    string? EngagedBy = null);

public sealed record CacheStatusReport(long SizeBytes, double UtilizationPercent, double HitRate);

public sealed record MemtableStatusReport(long SizeBytes, long EntryCount, int ImmutableCount);

public sealed record WorkerPoolReport(int ActiveWorkers, int QueuedTasks, double UtilizationPercent);

public sealed record HealthMetricsReport(
    double WriteQps,
    double ReadQps,
    double? CacheHitRate,
    double? P99WriteLatencyMs,
    double? P99ReadLatencyMs);
