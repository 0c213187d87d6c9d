using Grpc.Core;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Nodes;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Replication;
using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Tenants.Quotas;

/// <summary>
/// Every <see cref="QuotaOptions.StoredBytesRefreshInterval"/>, asks every ring node for its per-tenant stored
/// bytes (StorageService.GetTenantUsage) and publishes sum / N to <see cref="TenantStoredBytes"/>. A node that
/// does not answer keeps its last figures (a node down does not make its tenants' data vanish from the
/// count); a node that left the ring stops counting.
/// </summary>
public sealed partial class TenantUsagePoller : BackgroundService
{
    private readonly RingProvider _rings;
    private readonly NodeChannelPool _channels;
    private readonly ReplicaPlacement _placement;
    private readonly TenantStoredBytes _stored;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger<TenantUsagePoller> _logger;
    private readonly Dictionary<string, Dictionary<string, long>> _byNode = new(StringComparer.Ordinal);

    public TenantUsagePoller(RingProvider rings, NodeChannelPool channels, ReplicaPlacement placement, TenantStoredBytes stored,
        IOptions<QuotaOptions> options, TimeProvider time, ILogger<TenantUsagePoller> logger)
    {
        _rings = rings;
        _channels = channels;
        _placement = placement;
        _stored = stored;
        _interval = options.Value.StoredBytesRefreshInterval;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        do
        {
            try
            {
                await PollAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRoundFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One round: every node in parallel, then the published estimate. Rounds never overlap (one loop).</summary>
    public async Task PollAsync(CancellationToken cancellationToken)
    {
        var nodes = new List<RingNode>(_rings.Current.Nodes);
        var answers = await Task.WhenAll(nodes.Select(node => AskAsync(node, cancellationToken)));
        var inRing = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            inRing.Add(nodes[i].NodeId);
            if (answers[i] is { } answer)
            {
                _byNode[nodes[i].NodeId] = answer;
            }
        }
        foreach (var nodeId in _byNode.Keys.Where(id => !inRing.Contains(id)).ToList())
        {
            _byNode.Remove(nodeId);
        }

        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var node in _byNode.Values)
        {
            foreach (var (tenant, bytes) in node)
            {
                totals[tenant] = totals.GetValueOrDefault(tenant) + bytes;
            }
        }
        var n = Math.Max(1, _placement.ReplicationFactor);
        foreach (var tenant in totals.Keys.ToList())
        {
            totals[tenant] /= n;
        }
        _stored.Publish(totals);
    }

    private async Task<Dictionary<string, long>?> AskAsync(RingNode node, CancellationToken cancellationToken)
    {
        try
        {
            // A scan reads the node's whole data set: give it the round's length, not a data-path timeout.
            var deadline = _time.GetUtcNow().UtcDateTime + _interval + TimeSpan.FromSeconds(5);
            var reply = await new StorageService.StorageServiceClient(_channels.Get(node))
                .GetTenantUsageAsync(new GetTenantUsageRequest(), deadline: deadline, cancellationToken: cancellationToken);
            var usage = new Dictionary<string, long>(reply.Tenants.Count, StringComparer.Ordinal);
            foreach (var tenant in reply.Tenants)
            {
                usage[tenant.TenantId] = (long)Math.Min(tenant.StoredBytes, long.MaxValue);
            }
            return usage;
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
        {
            LogNodeFailed(node.NodeId, e.StatusCode);
            return null;
        }
    }

    [LoggerMessage(EventId = 1402, Level = LogLevel.Debug, Message = "Tenant usage not read node={NodeId} status={Status}; its last figures stay counted")]
    private partial void LogNodeFailed(string nodeId, StatusCode status);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "Tenant usage round failed")]
    private partial void LogRoundFailed(Exception exception);
}
