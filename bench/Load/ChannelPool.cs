using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using PairDb.Client;

namespace PairDb.Bench.Load;

/// <summary>
/// A few gRPC channels to one server, each over its own SocketsHttpHandler, callers spread over them by
/// index. One HTTP/2 connection carries every concurrent call of its channel (multiplexed streams), but
/// each connection has one frame reader and one writer on either side, so a couple of connections let
/// both cores work; EnableMultipleHttp2Connections opens more when a connection's stream limit is reached.
/// </summary>
public sealed class ChannelPool : IDisposable
{
    private readonly GrpcChannel[] _channels;

    /// <param name="trustedCa">For an https address: the cluster CA, the only issuer trusted. Null: plaintext (or the machine's store).</param>
    /// <param name="bearerToken">A credential sent on every call (a tenant API key, the operator token). Null: none.</param>
    public ChannelPool(Uri address, int channels, X509Certificate2? trustedCa = null, string? bearerToken = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        Address = address;
        _channels = new GrpcChannel[channels];
        for (var i = 0; i < channels; i++)
        {
            _channels[i] = GrpcChannel.ForAddress(address, new GrpcChannelOptions
            {
                HttpHandler = PairDbTransport.WithBearer(CreateHandler(trustedCa), bearerToken),
                DisposeHttpClient = true,
            });
        }
    }

    public Uri Address { get; }

    public int Count => _channels.Length;

    /// <summary>The channel caller <paramref name="caller"/> uses for all its calls.</summary>
    public GrpcChannel For(int caller) => _channels[caller % _channels.Length];

    /// <summary>One typed client per channel, e.g. <c>pool.Clients(c =&gt; new StorageService.StorageServiceClient(c))</c>.</summary>
    public T[] Clients<T>(Func<GrpcChannel, T> create)
    {
        var clients = new T[_channels.Length];
        for (var i = 0; i < clients.Length; i++)
        {
            clients[i] = create(_channels[i]);
        }

        return clients;
    }

    /// <summary>Opens every channel's connection now, so the first timed call does not pay for it.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        foreach (var channel in _channels)
        {
            await channel.ConnectAsync(cancellationToken);
        }
    }

    public static Uri ParseTarget(string hostPort)
    {
        var colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(hostPort.AsSpan(colon + 1), out var port) || port is <= 0 or > 65535)
        {
            throw new FormatException($"target must be HOST:PORT, got '{hostPort}'");
        }

        return new Uri($"http://{hostPort}");
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    private static SocketsHttpHandler CreateHandler(X509Certificate2? trustedCa)
    {
        var handler = PairDbTransport.CreateSocketsHandler(trustedCa);
        handler.KeepAlivePingDelay = TimeSpan.FromSeconds(60);
        handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(30);
        handler.AutomaticDecompression = DecompressionMethods.None;
        return handler;
    }
}
