using Grpc.Core;
using Grpc.Health.V1;
using PairDb.Contracts.Grpc;
using Microsoft.Extensions.Options;
using PairDb.Coordinator.Clock;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Nodes;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Topology;

namespace PairDb.Coordinator.Health;

/// <summary>
/// Probes every registered node's grpc.health.v1 each <see cref="HealthProbeOptions.Interval"/>,
/// all nodes in parallel. A node is UP after one SERVING answer and DOWN after
/// <see cref="HealthProbeOptions.FailureThreshold"/> consecutive failures (no answer, an error, or
/// NOT_SERVING). Changes go to <see cref="NodeLiveness"/> at once and to storage_nodes.status
/// (written only on change).
/// A SERVING node is also asked who it is (StorageService.Identify): a node that answers as another
/// node id, or with an incarnation already replaced (<see cref="NodeIdentities"/>), is refused: DOWN
/// at once, whatever the threshold, so no write is routed to it. A new incarnation is recorded in
/// storage_nodes (incarnation, incarnation_since, retired_incarnations). The node's wall time in that answer
/// gives its clock offset (<see cref="ClusterClock"/>).
/// </summary>
public sealed partial class NodeHealthProber : BackgroundService
{
    private readonly RingProvider _rings;
    private readonly NodeChannelPool _channels;
    private readonly NodeLiveness _liveness;
    private readonly NodeIdentities _identities;
    private readonly NodeRegistry _registry;
    private readonly IOptions<HealthProbeOptions> _options;
    private readonly TimeProvider _time;
    private readonly ClusterClock _clock;
    private readonly ILogger<NodeHealthProber> _logger;
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _persisted = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _round = new(1, 1);

    public NodeHealthProber(
        RingProvider rings,
        NodeChannelPool channels,
        NodeLiveness liveness,
        NodeIdentities identities,
        NodeRegistry registry,
        IOptions<HealthProbeOptions> options,
        TimeProvider time,
        ClusterClock clock,
        ILogger<NodeHealthProber> logger)
    {
        _rings = rings;
        _channels = channels;
        _liveness = liveness;
        _identities = identities;
        _registry = registry;
        _options = options;
        _time = time;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>Probes every registered node once and records the outcome; rounds never overlap.</summary>
    public async Task ProbeAllAsync(CancellationToken cancellationToken)
    {
        await _round.WaitAsync(cancellationToken);
        try
        {
            await ProbeRoundAsync(cancellationToken);
        }
        finally
        {
            _round.Release();
        }
    }

    private async Task ProbeRoundAsync(CancellationToken cancellationToken)
    {
        var nodes = new List<RingNode>(_rings.Current.Nodes);
        await LoadIdentitiesAsync(nodes, cancellationToken);
        var probes = new Task<Probe>[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            probes[i] = ProbeAsync(nodes[i], cancellationToken);
        }
        var results = await Task.WhenAll(probes);

        var registered = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            registered.Add(nodes[i].NodeId);
            await RecordAsync(nodes[i].NodeId, results[i], cancellationToken);
        }
        _liveness.Retain(registered);
        _identities.Retain(registered);
        _clock.Retain(registered);
        foreach (var nodeId in new List<string>(_failures.Keys))
        {
            if (!registered.Contains(nodeId))
            {
                _failures.Remove(nodeId);
                _persisted.Remove(nodeId);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Value.Interval, _time);
        do
        {
            try
            {
                await ProbeAllAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // PostgreSQL being away must not stop probing; the next round retries the write.
                LogProbeRoundFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<Probe> ProbeAsync(RingNode node, CancellationToken cancellationToken)
    {
        try
        {
            var channel = _channels.Get(node);
            var deadline = _time.GetUtcNow().UtcDateTime + _options.Value.Timeout;
            var reply = await new Grpc.Health.V1.Health.HealthClient(channel).CheckAsync(
                new HealthCheckRequest(), deadline: deadline, cancellationToken: cancellationToken);
            if (reply.Status != HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return Probe.Failed;
            }

            return await IdentifyAsync(node, channel, deadline, cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
        {
            LogProbeFailed(node.NodeId, node.Host, node.GrpcPort, e.StatusCode);
            return Probe.Failed;
        }
    }

    private async Task<Probe> IdentifyAsync(RingNode node, Grpc.Net.Client.GrpcChannel channel, DateTime deadline, CancellationToken cancellationToken)
    {
        IdentifyReply reply;
        var sentUnixMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            reply = await new StorageService.StorageServiceClient(channel).IdentifyAsync(new IdentifyRequest(), deadline: deadline, cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
        {
            // A node of a release before incarnations: nothing to compare, and its dots carry its plain id.
            return Probe.Serving;
        }

        if (reply.NowUnixMs > 0)
        {
            // The node read its clock somewhere in the round trip: the midpoint is the best guess, off by at most half of it.
            _clock.Record(node.NodeId, reply.NowUnixMs, sentUnixMs, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }

        var verdict = _identities.Check(node.NodeId, reply.NodeId, reply.Incarnation, DateTimeOffset.FromUnixTimeMilliseconds(reply.IncarnationSinceUnixMs), reply.PreviousIncarnations);
        if (!verdict.Accepted)
        {
            return new Probe(false, verdict.Refusal);
        }

        if (verdict.IsNew)
        {
            LogIncarnationChanged(node.NodeId, verdict.PreviousIncarnation ?? "none", reply.Incarnation, reply.IncarnationReason,
                verdict.ContinuesRecorded ? "continues the recorded incarnation" : "does not list the recorded incarnation among its earlier ones (new or restored data directory)");
        }

        return Probe.Serving;
    }

    private async Task LoadIdentitiesAsync(List<RingNode> nodes, CancellationToken cancellationToken)
    {
        if (nodes.TrueForAll(n => _identities.Knows(n.NodeId)))
        {
            return;
        }

        // PostgreSQL away: the round goes on; an unknown node's first answer is accepted and persisted later.
        try
        {
            using var bounded = Bounded(cancellationToken);
            foreach (var record in await _registry.ListAsync(bounded.Token))
            {
                _identities.Load(record);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
        {
            LogIdentityLoadFailed(e);
        }
    }

    private async Task RecordAsync(string nodeId, Probe probe, CancellationToken cancellationToken)
    {
        string status;
        if (probe.Refusal is { } refusal)
        {
            // A wrong identity is not a transient failure: no threshold, no write routed to it meanwhile.
            _failures[nodeId] = _options.Value.FailureThreshold;
            status = NodeStatuses.Down;
            if (_liveness.SetReason(nodeId, refusal))
            {
                LogIdentityRefused(nodeId, refusal);
            }
        }
        else if (probe.Healthy)
        {
            _failures[nodeId] = 0;
            status = NodeStatuses.Up;
            _liveness.SetReason(nodeId, null);
        }
        else
        {
            var failures = _failures.GetValueOrDefault(nodeId) + 1;
            _failures[nodeId] = failures;
            var current = _liveness.StatusOf(nodeId);
            // An UP node needs the threshold; a node never seen UP is DOWN at its first failure.
            status = current == NodeStatuses.Up && failures < _options.Value.FailureThreshold ? NodeStatuses.Up : NodeStatuses.Down;
            _liveness.SetReason(nodeId, null);
        }

        if (_identities.Unpersisted(nodeId) is { } identity)
        {
            try
            {
                using var bounded = Bounded(cancellationToken);
                await _registry.SetIncarnationAsync(nodeId, identity.Incarnation, identity.Since, identity.Retired, bounded.Token);
                _identities.MarkPersisted(nodeId, identity.Incarnation);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
            {
                // Kept in memory (routing already uses it); written on a later round.
                LogIdentityLoadFailed(e);
            }
        }

        if (_liveness.Set(nodeId, status))
        {
            LogStatusChanged(nodeId, status);
        }
        // The first observation after start-up is written too (the row may hold a stale status),
        // and a failed write is retried next round because _persisted only moves after it succeeds.
        if (_persisted.GetValueOrDefault(nodeId) != status)
        {
            try
            {
                using var bounded = Bounded(cancellationToken);
                await _registry.SetStatusAsync(nodeId, status, bounded.Token);
                _persisted[nodeId] = status;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OutOfMemoryException)
            {
                // PostgreSQL away or slow: liveness (what routing reads) is already set; the next round writes it.
                // One node's failed write must not leave the others of this round unrecorded.
                LogStatusWriteFailed(nodeId, status, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Storage node status changed node_id={NodeId} status={Status}")]
    private partial void LogStatusChanged(string nodeId, string status);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Debug, Message = "Health probe failed node_id={NodeId} host={Host} port={Port} grpc_status={GrpcStatus}")]
    private partial void LogProbeFailed(string nodeId, string host, int port, StatusCode grpcStatus);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "Health probe round failed")]
    private partial void LogProbeRoundFailed(Exception exception);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Storage node incarnation changed node_id={NodeId} from={From} to={To} node_reason=\"{Reason}\" lineage=\"{Lineage}\"")]
    private partial void LogIncarnationChanged(string nodeId, string from, string to, string reason, string lineage);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Error, Message = "Storage node refused: identity check failed node_id={NodeId} reason=\"{Reason}\"")]
    private partial void LogIdentityRefused(string nodeId, string reason);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Could not read or write node incarnations in storage_nodes; probing goes on, the write is retried next round")]
    private partial void LogIdentityLoadFailed(Exception exception);

    [LoggerMessage(EventId = 1123, Level = LogLevel.Debug, Message = "Storage node status not written to storage_nodes node_id={NodeId} status={Status}: {Error}; retried next round")]
    private partial void LogStatusWriteFailed(string nodeId, string status, string error);

    // Incarnation bookkeeping in PostgreSQL must not stretch a probe round while the database is slow or away:
    // liveness is what the data path needs, and the write is retried next round.
    private CancellationTokenSource Bounded(CancellationToken cancellationToken)
    {
        var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_options.Value.Timeout + _options.Value.Timeout);
        return bounded;
    }

    /// <summary>One probe's outcome: SERVING with the expected identity, or not (with the refusal if it was the identity).</summary>
    private sealed record Probe(bool Healthy, string? Refusal)
    {
        public static Probe Serving { get; } = new(true, null);

        public static Probe Failed { get; } = new(false, null);
    }
}
