using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PairDb.Coordinator.Telemetry;

/// <summary>The cleanup instruments of runbook 5.3 (Phase 7), names exactly as the runbook spells them.</summary>
public sealed class CleanupMetrics
{
    public const string CleanupScheduledTotal = "cleanup_scheduled_total";
    public const string CleanupExecutedTotal = "cleanup_executed_total";
    public const string CleanupFailedSafetyCheckTotal = "cleanup_failed_safety_check_total";
    public const string CleanupQuorumVerificationDurationSeconds = "cleanup_quorum_verification_duration_seconds";
    public const string NodeLabel = "node_id";

    private readonly Counter<long> _scheduled;
    private readonly Counter<long> _executed;
    private readonly Counter<long> _failedSafetyCheck;
    private readonly Histogram<double> _verification;

    public CleanupMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(CoordinatorMetrics.MeterName);
        _scheduled = meter.CreateCounter<long>(CleanupScheduledTotal, description: "Total cleanups scheduled");
        _executed = meter.CreateCounter<long>(CleanupExecutedTotal, description: "Total cleanups executed");
        _failedSafetyCheck = meter.CreateCounter<long>(CleanupFailedSafetyCheckTotal, description: "Cleanups rejected by safety checks");
        _verification = meter.CreateHistogram<double>(CleanupQuorumVerificationDurationSeconds, unit: "s",
            description: "Time for quorum verification");
    }

    /// <summary>
    /// The topology state machine calls this when it schedules a change's cleanup (one per change,
    /// at cutover), with the number of node tasks it holds.
    /// </summary>
    public void CleanupScheduled(int tasks = 1) => _scheduled.Add(tasks);

    /// <summary>One node dropped the ranges it gave up.</summary>
    public void CleanupExecuted(string nodeId) => _executed.Add(1, new KeyValuePair<string, object?>(NodeLabel, nodeId));

    /// <summary>One node's task failed its quorum safety check; its data is kept.</summary>
    public void CleanupFailedSafetyCheck(string nodeId) => _failedSafetyCheck.Add(1, new KeyValuePair<string, object?>(NodeLabel, nodeId));

    /// <summary>Records the time since <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>) as one verification.</summary>
    public void QuorumVerified(long startTimestamp) => _verification.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);
}
