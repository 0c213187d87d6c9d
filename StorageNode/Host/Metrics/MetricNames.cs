namespace PairDb.StorageNode.Metrics;

/// <summary>Instrument names exactly as the runbook (sections 1, 2, 5.3, 6.2, appendix A) spells them.</summary>
public static class MetricNames
{
    public const string MeterName = "PairDb.StorageNode";

    public const string WriteRequestsTotal = "write_requests_total";
    public const string WriteDurationSeconds = "write_duration_seconds";
    public const string ReadRequestsTotal = "read_requests_total";
    public const string ReadDurationSeconds = "read_duration_seconds";
    public const string ErrorsTotal = "errors_total";
    public const string ValidationDurationSeconds = "validation_duration_seconds";
    public const string ValidationRejectionsTotal = "validation_rejections_total";

    /// <summary>Coordinated writes refused with TOO_MANY_SIBLINGS or OBJECT_TOO_LARGE, by <see cref="ReasonLabel"/>.</summary>
    public const string SiblingLimitRejectionsTotal = "sibling_limit_rejections_total";

    /// <summary>Coordinated writes that left a key over WarnSiblings or WarnObjectBytes, by <see cref="ReasonLabel"/>.</summary>
    public const string SiblingLimitWarningsTotal = "sibling_limit_warnings_total";

    public const string DiskUsagePercent = "disk_usage_percent";
    public const string DiskAvailableBytes = "disk_available_bytes";
    public const string DiskThrottleEventsTotal = "disk_throttle_events_total";
    public const string DiskCircuitBreakerEventsTotal = "disk_circuit_breaker_events_total";
    public const string DiskFullRejectionsTotal = "disk_full_rejections_total";

    /// <summary>1 while the storage engine is read-only after a failed write to disk, else 0.</summary>
    public const string EngineReadOnly = "engine_read_only";

    public const string ChecksumFailuresTotal = "checksum_failures_total";
    public const string CorruptedEntriesTotal = "corrupted_entries_total";
    public const string DataRecoveryOperationsTotal = "data_recovery_operations_total";
    public const string CommitLogSegmentsActive = "commitlog_segments_active";
    public const string ChecksumValidationLatency = "checksum_validation_latency";

    public const string CacheHitsTotal = "cache_hits_total";
    public const string CacheRequestsTotal = "cache_requests_total";
    public const string CompactionRunning = "compaction_running";
    public const string CompactionBytesReclaimed = "compaction_bytes_reclaimed";
    public const string WorkerPoolQueueUtilizationPercent = "worker_pool_queue_utilization_percent";

    /// <summary>Label carrying the node id on every series (runbook alerts use <c>$labels.node</c>).</summary>
    public const string NodeLabel = "node";

    /// <summary>Label of <c>errors_total</c> and <c>validation_rejections_total</c>: the numeric error code.</summary>
    public const string ErrorCodeLabel = "error_code";

    /// <summary>Label of <c>worker_pool_queue_utilization_percent</c>: flush_pool, compaction_pool, streaming_pool.</summary>
    public const string PoolLabel = "pool";

    /// <summary>Label of the sibling limit series: which limit, <see cref="SiblingsReason"/> or <see cref="ObjectSizeReason"/>.</summary>
    public const string ReasonLabel = "reason";

    public const string SiblingsReason = "siblings";
    public const string ObjectSizeReason = "object_size";

    /// <summary>Label naming the RPC-level operation: coordinated_write, delete, replica_write, repair, read.</summary>
    public const string OperationLabel = "operation";
}
