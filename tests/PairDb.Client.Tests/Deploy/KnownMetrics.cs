namespace PairDb.Client.Tests.Deploy;

/// <summary>
/// Every metric name the pairdb hosts export on <c>/metrics</c>, as the runbook
/// (storage-node-operations.md sections 1, 2, 3.2, 5.2-5.4, 5.3 "Node Lifecycle", 6.2, Appendix A) spells them.
/// THIS LIST MUST MATCH THE NAMES THE HOSTS EXPORT: the alert rules and the dashboard are checked
/// against it, so a metric renamed in a host and not here (or the reverse) breaks an alert silently
/// in production but loudly here. Check it against a real scrape of each host when one changes.
/// </summary>
internal static class KnownMetrics
{
    /// <summary>Counters and gauges: the exported series name is the name itself.</summary>
    public static readonly IReadOnlySet<string> Plain = new HashSet<string>(StringComparer.Ordinal)
    {
        // storage node: data path (6.2)
        "write_requests_total",
        "read_requests_total",
        "errors_total",
        "validation_rejections_total",
        "cache_hits_total",
        "cache_requests_total",
        // storage node: disk manager (1.1)
        "disk_usage_percent",
        "disk_available_bytes",
        "disk_throttle_events_total",
        "disk_circuit_breaker_events_total",
        "disk_full_rejections_total",
        // storage node: read-only engine after a failed write to disk (1 while read-only, see /health read_only)
        "engine_read_only",
        // storage node: integrity (2.1)
        "checksum_failures_total",
        "corrupted_entries_total",
        "data_recovery_operations_total",
        "commitlog_segments_active",
        // storage node: compaction (1.2); compaction_bytes_reclaimed is a gauge (cumulative since start), so no _total
        "compaction_running",
        "compaction_bytes_reclaimed",
        // storage node: worker pools and streaming (3.2, 5.2, 5.4); worker_pool_queue_utilization_percent{pool}
        "worker_pool_queue_utilization_percent",
        "streaming_resync_operations_total",
        "streaming_bytes_transferred_total",
        // coordinator: hints, bootstrap, cleanup (5.3 Node Lifecycle)
        "hints_stored_total",
        "hints_replayed_total",
        "hints_failed_total",
        "hints_cleanup_deleted_total",
        "bootstrap_operations_total",
        "bootstrap_with_hints_total",
        "concurrent_bootstraps_gauge",
        "cleanup_scheduled_total",
        "cleanup_executed_total",
        "cleanup_failed_safety_check_total",
    };

    /// <summary>Histograms: exported as <c>name_bucket</c>, <c>name_sum</c>, <c>name_count</c>.</summary>
    public static readonly IReadOnlySet<string> Histograms = new HashSet<string>(StringComparer.Ordinal)
    {
        "write_duration_seconds",
        "read_duration_seconds",
        "validation_duration_seconds",
        "checksum_validation_latency",
        "bootstrap_hint_replay_duration_seconds",
        "cleanup_quorum_verification_duration_seconds",
    };

    /// <summary>True when <paramref name="series"/> is a series name some host exports.</summary>
    public static bool IsExported(string series)
    {
        if (Plain.Contains(series))
        {
            return true;
        }

        foreach (var suffix in (ReadOnlySpan<string>)["_bucket", "_sum", "_count"])
        {
            if (series.EndsWith(suffix, StringComparison.Ordinal) && Histograms.Contains(series[..^suffix.Length]))
            {
                return true;
            }
        }

        return false;
    }
}
