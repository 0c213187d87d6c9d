using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Validation;
using PairDb.Coordinator.Nodes;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Telemetry;

namespace PairDb.Coordinator.Replication;

/// <summary>
/// StorageService calls to one node, each through that node's Polly pipeline, over the pooled
/// channel, carrying the coordinator's trusted client id. The caller's cancellation is deliberately
/// not passed on: a replica write the client stopped waiting for still completes (or times out) in
/// the background, so its outcome is known and a failure becomes a hint. The caller's deadline is:
/// a call still queued (or not yet sent) when it passes fails with TIMEOUT, never sent. Every RPC
/// carries the replica timeout as its gRPC deadline, so a node does not start work its caller has
/// given up on.
/// </summary>
public sealed class ReplicaClients
{
    private readonly NodeChannelPool _channels;
    private readonly NodePipelineRegistry _pipelines;
    private readonly Metadata _headers;
    private readonly ConcurrentDictionary<string, (GrpcChannel Channel, StorageService.StorageServiceClient Client)> _clients =
        new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, NodeBatchers> _batchers = new(StringComparer.Ordinal);
    private readonly bool _coalesce;
    private readonly CallBatcherLimits _limits;
    private readonly TimeSpan _replicaTimeout;
    private readonly TimeProvider _time;
    private readonly OverloadMetrics _metrics;

    public ReplicaClients(
        NodeChannelPool channels, NodePipelineRegistry pipelines, IOptions<ReplicationOptions> options, IOptions<ValidationOptions> validation,
        TimeProvider time, OverloadMetrics metrics)
    {
        _channels = channels;
        _pipelines = pipelines;
        _headers = new Metadata { { options.Value.ClientIdHeader, options.Value.ClientId } };
        _coalesce = options.Value.CoalesceCalls;
        _replicaTimeout = options.Value.ReplicaTimeout;
        _limits = new CallBatcherLimits(
            options.Value.BatchConcurrency, options.Value.MaxBatchSize, validation.Value.MaxBatchBytes, options.Value.QueueCapacity, _replicaTimeout);
        _time = time;
        _metrics = metrics;
    }

    /// <summary>
    /// A coordinated write; coalesced with concurrent ones to the same node when <see cref="ReplicationOptions.CoalesceCalls"/>.
    /// <paramref name="deadline"/> (UTC, <see cref="DateTime.MaxValue"/> for none) is the client's: past it the call is not sent.
    /// </summary>
    public Task<CoordinatedWriteReply> CoordinatedWriteAsync(RingNode node, CoordinatedWriteRequest request, DateTime deadline) =>
        _coalesce ? Batchers(node.NodeId).Coordinated.CallAsync(node, request, deadline)
            : NotExpired<CoordinatedWriteReply>(node, Operations.CoordinatedWrite, deadline) ?? CoordinatedWriteOneAsync(node, request).AsTask();

    public Task<ReplicaWriteReply> ReplicaWriteAsync(RingNode node, ReplicaWriteRequest request, DateTime deadline) =>
        _coalesce ? Batchers(node.NodeId).Replica.CallAsync(node, request, deadline)
            : NotExpired<ReplicaWriteReply>(node, Operations.ReplicaWrite, deadline) ?? ReplicaWriteOneAsync(node, request).AsTask();

    public Task<ReadReply> ReadAsync(RingNode node, ReadRequest request, DateTime deadline) =>
        _coalesce ? Batchers(node.NodeId).Read.CallAsync(node, request, deadline)
            : NotExpired<ReadReply>(node, Operations.Read, deadline) ?? ReadOneAsync(node, request).AsTask();

    private ValueTask<CoordinatedWriteReply> CoordinatedWriteOneAsync(RingNode node, CoordinatedWriteRequest request) =>
        _pipelines.Get(node.NodeId).Pipeline.ExecuteAsync(
            static async (s, ct) => await s.Client.CoordinatedWriteAsync(s.Request, s.Headers, s.Deadline, ct),
            (Client: ClientFor(node), Request: request, Headers: _headers, Deadline: RpcDeadline()), CancellationToken.None);

    private ValueTask<ReplicaWriteReply> ReplicaWriteOneAsync(RingNode node, ReplicaWriteRequest request) =>
        _pipelines.Get(node.NodeId).Pipeline.ExecuteAsync(
            static async (s, ct) => await s.Client.ReplicaWriteAsync(s.Request, s.Headers, s.Deadline, ct),
            (Client: ClientFor(node), Request: request, Headers: _headers, Deadline: RpcDeadline()), CancellationToken.None);

    private ValueTask<ReadReply> ReadOneAsync(RingNode node, ReadRequest request) =>
        _pipelines.Get(node.NodeId).Pipeline.ExecuteAsync(
            static async (s, ct) => await s.Client.ReadAsync(s.Request, s.Headers, s.Deadline, ct),
            (Client: ClientFor(node), Request: request, Headers: _headers, Deadline: RpcDeadline()), CancellationToken.None);

    public ValueTask<RepairReply> RepairAsync(RingNode node, RepairRequest request) =>
        _pipelines.Get(node.NodeId).Pipeline.ExecuteAsync(
            static async (s, ct) => await s.Client.RepairAsync(s.Request, s.Headers, s.Deadline, ct),
            (Client: ClientFor(node), Request: request, Headers: _headers, Deadline: RpcDeadline()), CancellationToken.None);

    public ValueTask<BatchReplicaWriteReply> BatchReplicaWriteAsync(RingNode node, BatchReplicaWriteRequest request, CancellationToken cancellationToken) =>
        _pipelines.Get(node.NodeId).Pipeline.ExecuteAsync(
            static async (s, ct) => await s.Client.BatchReplicaWriteAsync(s.Request, s.Headers, s.Deadline, ct),
            (Client: ClientFor(node), Request: request, Headers: _headers, Deadline: RpcDeadline()), cancellationToken);

    /// <summary>
    /// The gRPC deadline of one RPC to a node: the replica timeout, as the Polly timeout around it. A batch
    /// gets the same (not its earliest item's deadline, which would fail its neighbours with it); items
    /// already past their own deadline are dropped before it is sent.
    /// </summary>
    private DateTime RpcDeadline() => DateTime.UtcNow + _replicaTimeout;

    /// <summary>Null while <paramref name="deadline"/> is ahead; else a TIMEOUT that nothing was sent.</summary>
    private Task<T>? NotExpired<T>(RingNode node, string operation, DateTime deadline)
    {
        if (deadline > _time.GetUtcNow().UtcDateTime)
        {
            return null;
        }
        _metrics.ReplicaCallExpired(node.NodeId, operation);
        return Task.FromException<T>(new PairDbException(ErrorCode.Timeout,
            $"{operation} call to node {node.NodeId} reached its deadline before it was sent; nothing written"));
    }

    private StorageService.StorageServiceClient ClientFor(RingNode node)
    {
        var channel = _channels.Get(node);
        if (_clients.TryGetValue(node.NodeId, out var cached) && ReferenceEquals(cached.Channel, channel))
        {
            return cached.Client;
        }
        var client = new StorageService.StorageServiceClient(channel);
        _clients[node.NodeId] = (channel, client);
        return client;
    }

    private NodeBatchers Batchers(string nodeId) =>
        _batchers.TryGetValue(nodeId, out var batchers) ? batchers : _batchers.GetOrAdd(nodeId, CreateBatchers);

    private NodeBatchers CreateBatchers(string nodeId) => new(
        new CallBatcher<CoordinatedWriteRequest, CoordinatedWriteReply>(
            nodeId, Operations.CoordinatedWrite, SendCoordinatedAsync, static r => r.CalculateSize(), _limits, _time, _metrics),
        new CallBatcher<ReplicaWriteRequest, ReplicaWriteReply>(
            nodeId, Operations.ReplicaWrite, SendReplicaAsync, static r => r.CalculateSize(), _limits, _time, _metrics),
        new CallBatcher<ReadRequest, ReadReply>(
            nodeId, Operations.Read, SendReadAsync, static r => r.CalculateSize(), _limits, _time, _metrics));

    private async ValueTask<IReadOnlyList<(CoordinatedWriteReply?, OperationError?)>> SendCoordinatedAsync(RingNode node, List<CoordinatedWriteRequest> items)
    {
        var request = new BatchCoordinatedWriteRequest();
        request.Items.AddRange(items);
        var reply = await _pipelines.Get(node.NodeId).Pipeline.ExecuteAsync(
            static async (s, ct) => await s.Client.BatchCoordinatedWriteAsync(s.Request, s.Headers, s.Deadline, ct),
            (Client: ClientFor(node), Request: request, Headers: _headers, Deadline: RpcDeadline()), CancellationToken.None);
        var results = new (CoordinatedWriteReply?, OperationError?)[reply.Results.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = (reply.Results[i].Ok, reply.Results[i].Error);
        }
        return results;
    }

    private async ValueTask<IReadOnlyList<(ReplicaWriteReply?, OperationError?)>> SendReplicaAsync(RingNode node, List<ReplicaWriteRequest> items)
    {
        var request = new BatchReplicaWriteRequest();
        request.Items.AddRange(items);
        var reply = await BatchReplicaWriteAsync(node, request, CancellationToken.None);
        var results = new (ReplicaWriteReply?, OperationError?)[reply.Results.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = (reply.Results[i].Ok, reply.Results[i].Error);
        }
        return results;
    }

    private async ValueTask<IReadOnlyList<(ReadReply?, OperationError?)>> SendReadAsync(RingNode node, List<ReadRequest> items)
    {
        var request = new BatchReadRequest();
        request.Items.AddRange(items);
        var reply = await _pipelines.Get(node.NodeId).Pipeline.ExecuteAsync(
            static async (s, ct) => await s.Client.BatchReadAsync(s.Request, s.Headers, s.Deadline, ct),
            (Client: ClientFor(node), Request: request, Headers: _headers, Deadline: RpcDeadline()), CancellationToken.None);
        var results = new (ReadReply?, OperationError?)[reply.Results.Count];
        List<Task>? deferred = null;
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = (reply.Results[i].Ok, reply.Results[i].Error);
            if (reply.Results[i].Error is { } error && error.ToPairDbError().Code == ErrorCode.BatchTooLarge && i < items.Count)
            {
                // The node cut its reply at the batch byte cap (large objects): these reads go again, one per call.
                (deferred ??= []).Add(ReadAloneAsync(node, items[i], results, i));
            }
        }
        if (deferred is not null)
        {
            await Task.WhenAll(deferred);
        }
        return results;
    }

    private async Task ReadAloneAsync(RingNode node, ReadRequest request, (ReadReply?, OperationError?)[] results, int index)
    {
        try
        {
            results[index] = (await ReadOneAsync(node, request), null);
        }
        catch (Exception e)
        {
            var failure = ReplicaFailure.From(e);
            results[index] = (null, RpcErrors.ToOperationError(failure.Code, failure.Message));
        }
    }

    /// <summary>The <c>operation</c> label of the replica-call metrics.</summary>
    private static class Operations
    {
        public const string CoordinatedWrite = "coordinated_write";
        public const string ReplicaWrite = "replica_write";
        public const string Read = "read";
    }

    private sealed record NodeBatchers(
        CallBatcher<CoordinatedWriteRequest, CoordinatedWriteReply> Coordinated,
        CallBatcher<ReplicaWriteRequest, ReplicaWriteReply> Replica,
        CallBatcher<ReadRequest, ReadReply> Read);
}
