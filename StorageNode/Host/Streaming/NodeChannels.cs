using System.Collections.Concurrent;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Validation;

namespace PairDb.StorageNode.Streaming;

/// <summary>
/// One gRPC channel per peer address (node to node, node to coordinator), kept for the node's lifetime: a channel
/// multiplexes every call to its peer over one HTTP/2 connection, so creating one per pull would only add
/// handshakes. Message limits are the cluster's one budget (<see cref="ValidationOptions.MaxMessageBytes"/>), as on the node's own server.
/// </summary>
public sealed class NodeChannels(IOptions<ValidationOptions> validation) : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);
    private readonly int _maxMessageBytes = validation.Value.MaxMessageBytes;

    /// <summary>The channel to a storage node's gRPC port.</summary>
    public GrpcChannel ForNode(string host, uint port) =>
        ForAddress(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"http://{FormatHost(host)}:{port}"));

    /// <summary>The channel to an absolute address such as <c>http://127.0.0.1:8080</c>.</summary>
    public GrpcChannel ForAddress(string address) =>
        _channels.GetOrAdd(address, static (a, max) => GrpcChannel.ForAddress(a, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = max,
            MaxSendMessageSize = max,
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                ConnectTimeout = TimeSpan.FromSeconds(5),
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            },
        }), _maxMessageBytes);

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        _channels.Clear();
    }

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;
}
