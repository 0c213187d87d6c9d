using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Nodes;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Replication;

/// <summary>
/// StorageService calls to one node, each through that node's Polly pipeline, over the pooled
/// channel, carrying the coordinator's trusted client id. The caller's cancellation is deliberately
/// not passed on: a replica write the client stopped waiting for still completes (or times out) in
/// the background, so its outcome is known and a failure becomes a hint.
/// </summary>
public sealed class ReplicaClients
{
    private readonly NodeChannelPool _channels;
    private readonly NodePipelineRegistry _pipelines;
    private readonly Metadata _headers;
    private readonly ConcurrentDictionary<string, (GrpcChannel Channel, StorageService.StorageServiceClient Client)> _clients =
        new(StringComparer.Ordinal);

    public ReplicaClients(NodeChannelPool channels, NodePipelineRegistry pipelines, IOptions<ReplicationOptions> options)
    {
        _channels = channels;
        _pipelines = pipelines;
        _headers = new Metadata { { options.Value.ClientIdHeader, options.Value.ClientId } };
    }

    public ValueTask<CoordinatedWriteReply> CoordinatedWriteAsync(RingNode node, CoordinatedWriteRequest request) =>
        _pipelines.Get(node.NodeId).Pipeline.ExecuteAsync(
            static async (s, ct) => await s.Client.CoordinatedWriteAsync(s.Request, s.Headers, cancellationToken: ct),
            (Client: ClientFor(node), Request: request, Headers: _headers), CancellationToken.None);

    public ValueTask<ReplicaWriteReply> ReplicaWriteAsync(RingNode node, ReplicaWriteRequest request) =>
        _pipelines.Get(node.NodeId).Pipeline.ExecuteAsync(
            static async (s, ct) => await s.Client.ReplicaWriteAsync(s.Request, s.Headers, cancellationToken: ct),
            (Client: ClientFor(node), Request: request, Headers: _headers), CancellationToken.None);

    public ValueTask<ReadReply> ReadAsync(RingNode node, ReadRequest request) =>
        _pipelines.Get(node.NodeId).Pipeline.ExecuteAsync(
            static async (s, ct) => await s.Client.ReadAsync(s.Request, s.Headers, cancellationToken: ct),
            (Client: ClientFor(node), Request: request, Headers: _headers), CancellationToken.None);

    public ValueTask<RepairReply> RepairAsync(RingNode node, RepairRequest request) =>
        _pipelines.Get(node.NodeId).Pipeline.ExecuteAsync(
            static async (s, ct) => await s.Client.RepairAsync(s.Request, s.Headers, cancellationToken: ct),
            (Client: ClientFor(node), Request: request, Headers: _headers), CancellationToken.None);

    public ValueTask<BatchReplicaWriteReply> BatchReplicaWriteAsync(RingNode node, BatchReplicaWriteRequest request, CancellationToken cancellationToken) =>
        _pipelines.Get(node.NodeId).Pipeline.ExecuteAsync(
            static async (s, ct) => await s.Client.BatchReplicaWriteAsync(s.Request, s.Headers, cancellationToken: ct),
            (Client: ClientFor(node), Request: request, Headers: _headers), cancellationToken);

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
}
