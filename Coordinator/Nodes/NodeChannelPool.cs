using System.Collections.Concurrent;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Validation;
using PairDb.Coordinator.Ring;
using PairDb.Hosting.Security;

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
    private readonly HostSecurity _security;

    public NodeChannelPool(RingProvider rings, IOptions<ValidationOptions> validation, HostSecurity security)
    {
        _maxMessageBytes = validation.Value.MaxMessageBytes;
        _security = security;
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
        var created = new Entry(address, Open(address));
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
    /// A new channel to <paramref name="address"/>, outside the pool (the caller disposes it). It presents the member
    /// certificate and trusts only the cluster CA when the coordinator is secure. Message limits are the cluster's one
    /// budget (<see cref="ValidationOptions.MaxMessageBytes"/>), not gRPC's 4 MB receive default: a key's siblings
    /// that a node stored must also reach the coordinator.
    /// </summary>
    public GrpcChannel Open(Uri address) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = _maxMessageBytes,
            MaxSendMessageSize = _maxMessageBytes,
            HttpHandler = MemberHttp.CreateHandler(_security, handler =>
            {
                handler.EnableMultipleHttp2Connections = true;
                handler.PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan;
                handler.KeepAlivePingDelay = TimeSpan.FromSeconds(20);
                handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(10);
                handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always;
                handler.ConnectTimeout = TimeSpan.FromSeconds(2);
            }),
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
