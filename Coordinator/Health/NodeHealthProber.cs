using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Options;
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
/// </summary>
public sealed partial class NodeHealthProber : BackgroundService
{
    private readonly RingProvider _rings;
    private readonly NodeChannelPool _channels;
    private readonly NodeLiveness _liveness;
    private readonly NodeRegistry _registry;
    private readonly IOptions<HealthProbeOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<NodeHealthProber> _logger;
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _persisted = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _round = new(1, 1);

    public NodeHealthProber(
        RingProvider rings,
        NodeChannelPool channels,
        NodeLiveness liveness,
        NodeRegistry registry,
        IOptions<HealthProbeOptions> options,
        TimeProvider time,
        ILogger<NodeHealthProber> logger)
    {
        _rings = rings;
        _channels = channels;
        _liveness = liveness;
        _registry = registry;
        _options = options;
        _time = time;
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
        var probes = new Task<bool>[nodes.Count];
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

    private async Task<bool> ProbeAsync(RingNode node, CancellationToken cancellationToken)
    {
        try
        {
            var client = new Grpc.Health.V1.Health.HealthClient(_channels.Get(node));
            var reply = await client.CheckAsync(
                new HealthCheckRequest(),
                deadline: _time.GetUtcNow().UtcDateTime + _options.Value.Timeout,
                cancellationToken: cancellationToken);
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving;
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
        {
            LogProbeFailed(node.NodeId, node.Host, node.GrpcPort, e.StatusCode);
            return false;
        }
    }

    private async Task RecordAsync(string nodeId, bool healthy, CancellationToken cancellationToken)
    {
        string status;
        if (healthy)
        {
            _failures[nodeId] = 0;
            status = NodeStatuses.Up;
        }
        else
        {
            var failures = _failures.GetValueOrDefault(nodeId) + 1;
            _failures[nodeId] = failures;
            var current = _liveness.StatusOf(nodeId);
            // An UP node needs the threshold; a node never seen UP is DOWN at its first failure.
            status = current == NodeStatuses.Up && failures < _options.Value.FailureThreshold ? NodeStatuses.Up : NodeStatuses.Down;
        }

        if (_liveness.Set(nodeId, status))
        {
            LogStatusChanged(nodeId, status);
        }
        // The first observation after start-up is written too (the row may hold a stale status),
        // and a failed write is retried next round because _persisted only moves after it succeeds.
        if (_persisted.GetValueOrDefault(nodeId) != status)
        {
            await _registry.SetStatusAsync(nodeId, status, cancellationToken);
            _persisted[nodeId] = status;
        }
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Storage node status changed node_id={NodeId} status={Status}")]
    private partial void LogStatusChanged(string nodeId, string status);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Debug, Message = "Health probe failed node_id={NodeId} host={Host} port={Port} grpc_status={GrpcStatus}")]
    private partial void LogProbeFailed(string nodeId, string host, int port, StatusCode grpcStatus);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "Health probe round failed")]
    private partial void LogProbeRoundFailed(Exception exception);
}
