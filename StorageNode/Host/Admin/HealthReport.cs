namespace PairDb.StorageNode.Admin;

// The JSON of GET /health (runbook 6.1), snake_case on the wire. Parts whose subsystem does not
// exist yet (block cache, worker pools) are null rather than invented figures.

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
    bool NeedsRepair);

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
    DateTimeOffset SampledAt);

public sealed record CacheStatusReport(long SizeBytes, double UtilizationPercent, double HitRate);

public sealed record MemtableStatusReport(long SizeBytes, long EntryCount, int ImmutableCount);

public sealed record WorkerPoolReport(int ActiveWorkers, int QueuedTasks, double UtilizationPercent);

public sealed record HealthMetricsReport(
    double WriteQps,
    double ReadQps,
    double? CacheHitRate,
    double? P99WriteLatencyMs,
    double? P99ReadLatencyMs);
