using Grpc.Net.Client;
using PairDb.Contracts.Security;
using PairDb.Contracts.Grpc;
using Polly;

namespace PairDb.Client;

/// <summary>
/// The pairdb client SDK: puts, gets and deletes through a coordinator's KeyValueService, each call
/// guarded by retries with backoff for retriable codes and a circuit breaker (runbook 4.1-4.2).
/// Thread-safe; create one per coordinator endpoint and share it.
/// </summary>
/// <remarks>
/// Buffers passed in (keys, values, contexts) are sent without copying: do not change them until the
/// returned task completes. Failures surface as <see cref="PairDbClientException"/> carrying the error code.
/// </remarks>
public sealed partial class PairDbClient : IDisposable, IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly KeyValueService.KeyValueServiceClient _grpc;
    private readonly ResiliencePipeline _pipeline;
    private readonly PairDbClientOptions _options;
    private int _disposed;

    public PairDbClient(PairDbClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        // The CA stays alive with the handler: its chain policy holds it for every handshake.
        var ca = options.CaCertificatePath is { } caPath ? PemFiles.LoadCertificate(caPath) : null;
        var handler = PairDbTransport.CreateHandler(ca, options.ApiKey, options.ServerCertificateValidation);
        _channel = GrpcChannel.ForAddress(options.Endpoint, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = options.MaxReceiveMessageBytes,
            MaxSendMessageSize = options.MaxSendMessageBytes,
        });
        _grpc = new KeyValueService.KeyValueServiceClient(_channel);
        _pipeline = ClientPipeline.Build(options);
    }

    /// <summary>A client of <paramref name="endpoint"/> with every other setting at its default.</summary>
    public PairDbClient(Uri endpoint)
        : this(new PairDbClientOptions { Endpoint = endpoint })
    {
    }

    public PairDbClientOptions Options => _options;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _channel.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
