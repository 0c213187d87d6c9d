using System.Net.Security;
using Polly.Telemetry;

namespace PairDb.Client;

/// <summary>Settings of a <see cref="PairDbClient"/>. Every default is stated on its property.</summary>
public sealed class PairDbClientOptions
{
    /// <summary>
    /// The coordinator's gRPC endpoint (KeyValueService). <c>http://</c> speaks cleartext HTTP/2,
    /// <c>https://</c> TLS. Default <c>http://127.0.0.1:8080</c> (the coordinator's default gRPC port).
    /// </summary>
    public Uri Endpoint { get; set; } = new("http://127.0.0.1:8080");

    /// <summary>
    /// The tenant API key (<c>pdb_..._...</c>, from <c>./pairdb tenants create</c>), sent as
    /// <c>authorization: Bearer KEY</c> metadata on every call. A secure cluster refuses calls without it
    /// (UNAUTHENTICATED, 1010) and calls for any other tenant (PERMISSION_DENIED, 1011). Default null: no
    /// credential, for an insecure cluster.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// PEM file of the cluster CA (<c>DIR/tls/ca.crt</c> of a local cluster): an <c>https://</c>
    /// <see cref="Endpoint"/> must present a certificate issued by it, and no other CA is trusted.
    /// Default null: the machine's trust store.
    /// </summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>
    /// Decides whether the server's TLS certificate is acceptable, instead of <see cref="CaCertificatePath"/>
    /// or the machine's trust store. Default null.
    /// </summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    /// <summary>
    /// Consistency used when a call names neither a level nor an explicit R/W.
    /// Default <see cref="ConsistencyLevel.Quorum"/>.
    /// </summary>
    public ConsistencyLevel DefaultConsistency { get; set; } = ConsistencyLevel.Quorum;

    /// <summary>
    /// Deadline of one attempt (one gRPC call). A call that misses it fails with TIMEOUT (2005),
    /// which is retried. Default 5 seconds.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Largest reply accepted, in bytes. Default: the cluster's message budget for its default limits
    /// (<see cref="Contracts.Validation.ValidationOptions.MaxMessageBytes"/>, 33 MiB), which every reply of a
    /// cluster on default limits fits; raise it with the cluster's limits.
    /// </summary>
    public int MaxReceiveMessageBytes { get; set; } = DefaultMessageBytes;

    /// <summary>
    /// Largest request sent, in bytes; a larger one fails locally instead of being cut off by the server.
    /// Default: the same budget as <see cref="MaxReceiveMessageBytes"/>.
    /// </summary>
    public int MaxSendMessageBytes { get; set; } = DefaultMessageBytes;

    private static int DefaultMessageBytes => new Contracts.Validation.ValidationOptions().MaxMessageBytes;

    /// <summary>Retries of retriable error codes (runbook 4.1-4.2).</summary>
    public PairDbRetryOptions Retry { get; set; } = new();

    /// <summary>The client-side circuit breaker (runbook 4.2).</summary>
    public PairDbCircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>
    /// Picks the value that replaces concurrent siblings in <see cref="PairDbClient.GetResolvedAsync(string, ReadOnlyMemory{byte}, Func{IReadOnlyList{Sibling}, byte[]?}?, ReadOptions?, CancellationToken)"/>
    /// when the call passes no resolver of its own. It receives every sibling (tombstones included) and
    /// returns the value to write, or null to write a delete. Default null: such a call throws.
    /// </summary>
    public Func<IReadOnlyList<Sibling>, byte[]?>? SiblingResolver { get; set; }

    /// <summary>
    /// Receives Polly's resilience events (retries, circuit transitions). Default null: Polly telemetry
    /// is off, so the SDK writes no logs or metrics of its own unless asked to.
    /// </summary>
    public TelemetryListener? ResilienceTelemetry { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (!Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"{nameof(Endpoint)} must be an absolute http:// or https:// URI (is '{Endpoint}')", nameof(Endpoint));
        }

        if (CaCertificatePath is not null && Endpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"{nameof(CaCertificatePath)} needs an https:// {nameof(Endpoint)} (is '{Endpoint}')", nameof(CaCertificatePath));
        }

        if (CaCertificatePath is not null && !File.Exists(CaCertificatePath))
        {
            throw new ArgumentException($"{nameof(CaCertificatePath)} '{CaCertificatePath}' does not exist", nameof(CaCertificatePath));
        }

        if (ApiKey is not null && (ApiKey.Length == 0 || ApiKey.Any(char.IsWhiteSpace)))
        {
            throw new ArgumentException($"{nameof(ApiKey)} must be a non-empty key without whitespace", nameof(ApiKey));
        }

        if (!Enum.IsDefined(DefaultConsistency))
        {
            throw new ArgumentException($"{nameof(DefaultConsistency)} is not a consistency level (is {DefaultConsistency})", nameof(DefaultConsistency));
        }

        if (AttemptTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(AttemptTimeout)} must be positive (is {AttemptTimeout})", nameof(AttemptTimeout));
        }

        if (MaxReceiveMessageBytes < 1 << 20)
        {
            throw new ArgumentException($"{nameof(MaxReceiveMessageBytes)} must be at least 1 MiB (is {MaxReceiveMessageBytes})", nameof(MaxReceiveMessageBytes));
        }

        if (MaxSendMessageBytes < 1 << 20)
        {
            throw new ArgumentException($"{nameof(MaxSendMessageBytes)} must be at least 1 MiB (is {MaxSendMessageBytes})", nameof(MaxSendMessageBytes));
        }

        Retry.Validate();
        CircuitBreaker.Validate();
    }
}
