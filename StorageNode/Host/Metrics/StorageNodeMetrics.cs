using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using PairDb.Contracts.Errors;

namespace PairDb.StorageNode.Metrics;

/// <summary>
/// The data-path instruments. Durations are recorded in seconds with buckets from 50 µs to 10 s.
/// Every measurement carries the node label. Counters are also mirrored into the windowed trackers
/// that <c>/health</c> reports (qps and p99 over the last seconds).
/// </summary>
public sealed class StorageNodeMetrics
{
    private static readonly double[] LatencyBuckets =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly double[] ValidationBuckets =
        [0.000001, 0.0000025, 0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01];

    private readonly KeyValuePair<string, object?> _node;
    private readonly Counter<long> _writeRequests;
    private readonly Histogram<double> _writeDuration;
    private readonly Counter<long> _readRequests;
    private readonly Histogram<double> _readDuration;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _validationDuration;
    private readonly Counter<long> _validationRejections;
    private readonly Counter<long> _recoveryOperations;
    private readonly Counter<long> _siblingLimitRejections;
    private readonly Counter<long> _siblingLimitWarnings;
    private readonly string[] _codeLabels;

    public StorageNodeMetrics(IMeterFactory meterFactory, string nodeId, TimeProvider time)
    {
        _node = new(MetricNames.NodeLabel, nodeId);
        Meter = meterFactory.Create(MetricNames.MeterName);
        _writeRequests = Meter.CreateCounter<long>(MetricNames.WriteRequestsTotal, description: "Write requests (per batch item), any outcome.");
        _writeDuration = Meter.CreateHistogram(MetricNames.WriteDurationSeconds, unit: null, description: "Write latency in seconds.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _readRequests = Meter.CreateCounter<long>(MetricNames.ReadRequestsTotal, description: "Read requests (per batch item), any outcome.");
        _readDuration = Meter.CreateHistogram(MetricNames.ReadDurationSeconds, unit: null, description: "Read latency in seconds.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _errors = Meter.CreateCounter<long>(MetricNames.ErrorsTotal, description: "Failed requests by pairdb error code.");
        _validationDuration = Meter.CreateHistogram(MetricNames.ValidationDurationSeconds, unit: null, description: "Request validation time in seconds.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ValidationBuckets });
        _validationRejections = Meter.CreateCounter<long>(MetricNames.ValidationRejectionsTotal, description: "Requests rejected by validation, by error code.");
        _recoveryOperations = Meter.CreateCounter<long>(MetricNames.DataRecoveryOperationsTotal, description: "Repair (read repair / anti-entropy) merges applied.");
        _siblingLimitRejections = Meter.CreateCounter<long>(MetricNames.SiblingLimitRejectionsTotal,
            description: "Coordinated writes refused because they would leave a key over the sibling or object size limit.");
        _siblingLimitWarnings = Meter.CreateCounter<long>(MetricNames.SiblingLimitWarningsTotal,
            description: "Coordinated writes that left a key over the sibling or object size warning threshold.");
        _codeLabels = new string[10000];
        // Series exist from the start, so dashboards and rate() see 0 rather than nothing.
        foreach (var operation in (string[])[Rpc.Operations.CoordinatedWrite, Rpc.Operations.Delete, Rpc.Operations.ReplicaWrite, Rpc.Operations.Repair])
        {
            _writeRequests.Add(0, _node, new(MetricNames.OperationLabel, operation));
        }

        foreach (var reason in (string[])[MetricNames.SiblingsReason, MetricNames.ObjectSizeReason])
        {
            _siblingLimitRejections.Add(0, _node, new(MetricNames.ReasonLabel, reason));
            _siblingLimitWarnings.Add(0, _node, new(MetricNames.ReasonLabel, reason));
        }

        _readRequests.Add(0, _node);
        _recoveryOperations.Add(0, _node);
        Writes = new WindowedLatency(time);
        Reads = new WindowedLatency(time);
    }

    public Meter Meter { get; }

    /// <summary>The node label every series carries.</summary>
    public KeyValuePair<string, object?> NodeTag => _node;

    /// <summary>Recent write rate and latency, for /health.</summary>
    public WindowedLatency Writes { get; }

    /// <summary>Recent read rate and latency, for /health.</summary>
    public WindowedLatency Reads { get; }

    public void WriteRequested(string operation, int count = 1) =>
        _writeRequests.Add(count, _node, new(MetricNames.OperationLabel, operation));

    public void ReadRequested(int count = 1) => _readRequests.Add(count, _node);

    public void WriteCompleted(string operation, long startTimestamp, int count = 1)
    {
        var elapsed = Stopwatch.GetElapsedTime(startTimestamp);
        _writeDuration.Record(elapsed.TotalSeconds, _node, new(MetricNames.OperationLabel, operation));
        Writes.Record(elapsed, count);
    }

    public void ReadCompleted(long startTimestamp, int count = 1)
    {
        var elapsed = Stopwatch.GetElapsedTime(startTimestamp);
        _readDuration.Record(elapsed.TotalSeconds, _node);
        Reads.Record(elapsed, count);
    }

    public void Error(ErrorCode code) => _errors.Add(1, _node, new(MetricNames.ErrorCodeLabel, CodeLabel(code)));

    public void ValidationTimed(long startTimestamp) =>
        _validationDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, _node);

    public void ValidationRejected(ErrorCode code) =>
        _validationRejections.Add(1, _node, new(MetricNames.ErrorCodeLabel, CodeLabel(code)));

    public void RecoveryOperation(int count = 1) => _recoveryOperations.Add(count, _node);

    public void ObjectLimitRefused(string reason) => _siblingLimitRejections.Add(1, _node, new(MetricNames.ReasonLabel, reason));

    public void ObjectLimitWarned(string reason) => _siblingLimitWarnings.Add(1, _node, new(MetricNames.ReasonLabel, reason));

    // Label strings are cached so that an error path does not format a number each time.
    private string CodeLabel(ErrorCode code)
    {
        var index = (int)code;
        if ((uint)index >= (uint)_codeLabels.Length)
        {
            return index.ToString(CultureInfo.InvariantCulture);
        }

        return _codeLabels[index] ??= index.ToString(CultureInfo.InvariantCulture);
    }
}
