using System.Collections.Concurrent;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Validation;
using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Nodes;

/// <summary>
/// One long-lived gRPC channel per storage node, shared by the health prober and the data path.
/// A channel multiplexes calls over pooled HTTP/2 connections kept warm by keep-alive pings; it is
/// replaced when the node's address changes and disposed when the node leaves the registry.
/// </summary>
public sealed class NodeChannelPool : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _channels = new(StringComparer.Ordinal);

    private readonly int _maxMessageBytes;

    public NodeChannelPool(RingProvider rings, IOptions<ValidationOptions> validation)
    {
        _maxMessageBytes = validation.Value.MaxMessageBytes;
        rings.Changed += Prune;
    }

    /// <summary>The channel to <paramref name="node"/>, created on first use.</summary>
    public GrpcChannel Get(RingNode node)
    {
        var address = node.GrpcAddress;
        if (_channels.TryGetValue(node.NodeId, out var entry) && entry.Address == address)
        {
            return entry.Channel;
        }
        var created = new Entry(address, Create(address, _maxMessageBytes));
        var winner = _channels.AddOrUpdate(node.NodeId, created, (_, existing) => existing.Address == address ? existing : created);
        if (!ReferenceEquals(winner, created))
        {
            created.Channel.Dispose();
        }
        else if (entry is not null && !ReferenceEquals(entry, winner))
        {
            entry.Channel.Dispose();
        }
        return winner.Channel;
    }

    public void Dispose()
    {
        foreach (var entry in _channels.Values)
        {
            entry.Channel.Dispose();
        }
        _channels.Clear();
    }

    /// <summary>
    /// Message limits are the cluster's one budget (<see cref="ValidationOptions.MaxMessageBytes"/>), not gRPC's
    /// 4 MB receive default: a key's siblings that a node stored must also reach the coordinator.
    /// </summary>
    private static GrpcChannel Create(Uri address, int maxMessageBytes) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = maxMessageBytes,
            MaxSendMessageSize = maxMessageBytes,
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(20),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
                ConnectTimeout = TimeSpan.FromSeconds(2),
            },
            // The channel owns its handler: disposing the channel closes its connections.
            DisposeHttpClient = true,
        });

    private void Prune(TokenRing ring)
    {
        foreach (var (nodeId, entry) in _channels)
        {
            if (!ring.TryGetNode(nodeId, out var node) || node.GrpcAddress != entry.Address)
            {
                if (_channels.TryRemove(new KeyValuePair<string, Entry>(nodeId, entry)))
                {
                    entry.Channel.Dispose();
                }
            }
        }
    }

    private sealed record Entry(Uri Address, GrpcChannel Channel);
}
