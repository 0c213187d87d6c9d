using System.Diagnostics.Metrics;

namespace PairDb.Coordinator.Telemetry;

/// <summary>The quorum path and hinted handoff instruments, names as the runbook spells them (5.3).</summary>
public sealed class ReplicationMetrics
{
    public const string ReadRepairTotal = "read_repair_total";
    public const string HintsStoredTotal = "hints_stored_total";
    public const string HintsReplayedTotal = "hints_replayed_total";
    public const string HintsFailedTotal = "hints_failed_total";
    public const string HintsCleanupDeletedTotal = "hints_cleanup_deleted_total";
    public const string HintsDroppedTotal = "hints_dropped_total";
    public const string QuorumFailuresTotal = "quorum_failures_total";
    public const string TargetNodeLabel = "target_node_id";
    public const string OperationLabel = "operation";
    public const string ErrorCodeLabel = "error_code";

    private readonly Counter<long> _readRepair;
    private readonly Counter<long> _hintsStored;
    private readonly Counter<long> _hintsReplayed;
    private readonly Counter<long> _hintsFailed;
    private readonly Counter<long> _hintsCleanupDeleted;
    private readonly Counter<long> _hintsDropped;
    private readonly Counter<long> _quorumFailures;

    public ReplicationMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(CoordinatorMetrics.MeterName);
        _readRepair = meter.CreateCounter<long>(ReadRepairTotal, description: "Stale replicas written back by read repair");
        _hintsStored = meter.CreateCounter<long>(HintsStoredTotal, description: "Total hints created for failed writes");
        _hintsReplayed = meter.CreateCounter<long>(HintsReplayedTotal, description: "Total hints successfully replayed");
        _hintsFailed = meter.CreateCounter<long>(HintsFailedTotal, description: "Total hint replay attempts that failed");
        _hintsCleanupDeleted = meter.CreateCounter<long>(HintsCleanupDeletedTotal, description: "Hints deleted by cleanup process");
        _hintsDropped = meter.CreateCounter<long>(HintsDroppedTotal, description: "Hints not stored because their target node reached the hint cap");
        _quorumFailures = meter.CreateCounter<long>(QuorumFailuresTotal, description: "Client requests that failed for want of replicas (QUORUM_NOT_MET or TIMEOUT)");
    }

    public void ReadRepaired(int replicas) => _readRepair.Add(replicas);

    public void HintsStored(int count) => _hintsStored.Add(count);

    public void HintReplayed(string target, int count) => _hintsReplayed.Add(count, new KeyValuePair<string, object?>(TargetNodeLabel, target));

    public void HintFailed(string target, int count) => _hintsFailed.Add(count, new KeyValuePair<string, object?>(TargetNodeLabel, target));

    public void HintsCleanedUp(long count) => _hintsCleanupDeleted.Add(count);

    public void HintDropped(string target) => _hintsDropped.Add(1, new KeyValuePair<string, object?>(TargetNodeLabel, target));

    public void QuorumFailed(string operation, int errorCode) =>
        _quorumFailures.Add(1, new KeyValuePair<string, object?>(OperationLabel, operation), new KeyValuePair<string, object?>(ErrorCodeLabel, errorCode));
}
