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
    public const string ValidationDurationSeconds = "validation_duration_seconds";
    public const string ReadSiblings = "read_siblings";
    public const string ReadObjectSizeBytes = "read_object_size_bytes";
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
    private readonly Histogram<double> _validation;
    private readonly Histogram<int> _readSiblings;
    private readonly Histogram<int> _readObjectSize;

    private static readonly int[] SiblingBuckets = [1, 2, 3, 4, 5, 10, 25, 50, 100, 250, 1000];

    private static readonly int[] ObjectSizeBuckets =
        [1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 2 << 20, 4 << 20, 8 << 20, 16 << 20, 64 << 20];

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
        _validation = meter.CreateHistogram<double>(ValidationDurationSeconds, unit: "s", description: "Time spent validating a KeyValueService request");
        _readSiblings = meter.CreateHistogram(ReadSiblings, unit: null,
            description: "Siblings returned per successful Get (Riak's node_get_fsm_siblings); 1 in last-writer-wins mode",
            tags: null, advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = SiblingBuckets });
        _readObjectSize = meter.CreateHistogram(ReadObjectSizeBytes, unit: null,
            description: "Serialized size in bytes of the merged sibling set per successful Get (Riak's node_get_fsm_objsize)",
            tags: null, advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = ObjectSizeBuckets });
    }

    public void Validated(long startTimestamp) => _validation.Record(System.Diagnostics.Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);

    /// <summary>One Get answered with <paramref name="siblings"/> siblings from a merged set of <paramref name="objectBytes"/> bytes.</summary>
    public void ReadAnswered(int siblings, int objectBytes)
    {
        _readSiblings.Record(siblings);
        _readObjectSize.Record(objectBytes);
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
