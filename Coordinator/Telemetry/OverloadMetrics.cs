using System.Diagnostics.Metrics;

namespace PairDb.Coordinator.Telemetry;

/// <summary>
/// Push-back instruments: every bounded queue or limit on the data path counts what it refused, so an
/// operator can tell overload (OVERLOADED 2006, TIMEOUT 2005 from a deadline) from a failing node.
/// </summary>
public sealed class OverloadMetrics
{
    public const string RequestsInFlight = "requests_in_flight";
    public const string RequestsOverloadedTotal = "requests_overloaded_total";
    public const string RequestsExpiredTotal = "requests_expired_total";
    public const string ReplicaQueueFullTotal = "replica_queue_full_total";
    public const string ReplicaCallsExpiredTotal = "replica_calls_expired_total";
    public const string HintsQueueFullTotal = "hints_queue_full_total";
    public const string OperationLabel = ReplicationMetrics.OperationLabel;
    public const string TargetNodeLabel = ReplicationMetrics.TargetNodeLabel;

    private readonly Counter<long> _requestsOverloaded;
    private readonly Counter<long> _requestsExpired;
    private readonly Counter<long> _replicaQueueFull;
    private readonly Counter<long> _replicaCallsExpired;
    private readonly Counter<long> _hintsQueueFull;
    private readonly Meter _meter;

    public OverloadMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(CoordinatorMetrics.MeterName);
        _requestsOverloaded = _meter.CreateCounter<long>(RequestsOverloadedTotal,
            description: "Client requests (batch items counted one by one) refused with OVERLOADED because the in-flight limit was reached");
        _requestsExpired = _meter.CreateCounter<long>(RequestsExpiredTotal,
            description: "Client requests not started because their deadline had already passed (answered TIMEOUT)");
        _replicaQueueFull = _meter.CreateCounter<long>(ReplicaQueueFullTotal,
            description: "Replica calls refused with OVERLOADED because the node's queue of that kind was full (never sent)");
        _replicaCallsExpired = _meter.CreateCounter<long>(ReplicaCallsExpiredTotal,
            description: "Replica calls failed with TIMEOUT because their deadline passed while they waited in the node's queue (never sent)");
        _hintsQueueFull = _meter.CreateCounter<long>(HintsQueueFullTotal,
            description: "Hints refused because the in-memory hint queue was full (items or bytes)");
    }

    /// <summary>Publishes the in-flight gauge; called once by the limiter that owns the count.</summary>
    public void ObserveInFlight(Func<long> inFlight) =>
        _meter.CreateObservableGauge(RequestsInFlight, inFlight, description: "Client requests (batch items counted one by one) being served");

    public void RequestsOverloaded(string operation, int items) =>
        _requestsOverloaded.Add(items, new KeyValuePair<string, object?>(OperationLabel, operation));

    public void RequestExpired(string operation) =>
        _requestsExpired.Add(1, new KeyValuePair<string, object?>(OperationLabel, operation));

    public void ReplicaQueueFull(string nodeId, string operation) =>
        _replicaQueueFull.Add(1, new KeyValuePair<string, object?>(TargetNodeLabel, nodeId), new KeyValuePair<string, object?>(OperationLabel, operation));

    public void ReplicaCallExpired(string nodeId, string operation) =>
        _replicaCallsExpired.Add(1, new KeyValuePair<string, object?>(TargetNodeLabel, nodeId), new KeyValuePair<string, object?>(OperationLabel, operation));

    public void HintQueueFull(string targetNodeId) =>
        _hintsQueueFull.Add(1, new KeyValuePair<string, object?>(TargetNodeLabel, targetNodeId));
}
