using System.Collections.Concurrent;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Validation;
using PairDb.Hosting.Security;

namespace PairDb.StorageNode.Streaming;

/// <summary>
/// One gRPC channel per peer address (node to node, node to coordinator), kept for the node's lifetime: a channel
/// multiplexes every call to its peer over one HTTP/2 connection, so creating one per pull would only add
/// handshakes. Message limits are the cluster's one budget (<see cref="ValidationOptions.MaxMessageBytes"/>), as on the node's own server.
/// </summary>
public sealed class NodeChannels(IOptions<ValidationOptions> validation, HostSecurity security) : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);
    private readonly int _maxMessageBytes = validation.Value.MaxMessageBytes;

    /// <summary>The channel to a storage node's gRPC port, in this node's own scheme (a secure cluster is secure throughout).</summary>
    public GrpcChannel ForNode(string host, uint port) => ForAddress(MemberHttp.Address(_security.Scheme, host, port));

    /// <summary>
    /// The channel to an absolute address such as <c>http://127.0.0.1:8080</c>. On a secure node it presents the member
    /// certificate and trusts only the cluster CA.
    /// </summary>
    public GrpcChannel ForAddress(string address) =>
        _channels.GetOrAdd(address, static (a, self) => GrpcChannel.ForAddress(a, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = self._maxMessageBytes,
            MaxSendMessageSize = self._maxMessageBytes,
            HttpHandler = MemberHttp.CreateHandler(self._security, handler =>
            {
                handler.EnableMultipleHttp2Connections = true;
                handler.ConnectTimeout = TimeSpan.FromSeconds(5);
                handler.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
                handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(10);
            }),
            DisposeHttpClient = true,
        }), this);

    private readonly HostSecurity _security = security;

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        _channels.Clear();
    }
}
