using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace PairDb.Client.Tooling.Security;

/// <summary>
/// How a tool reaches one cluster: plaintext, or (when its directory holds <c>tls/ca.crt</c>) TLS trusting
/// that CA alone, with the operator token for admin calls and a tenant's API key for data calls. The CLI,
/// <c>./pairdb up</c> and the benchmarks open every channel and HTTP client through it.
/// </summary>
public sealed class ClusterAccess
{
    /// <summary>Environment variable holding the API key for put/get/delete; wins over <c>tenants/TENANT.key</c>.</summary>
    public const string ApiKeyVariable = "PAIRDB_API_KEY";

    private readonly ClusterSecretFiles? _files;
    private readonly Lazy<string?> _operatorToken;

    private ClusterAccess(ClusterSecretFiles? files)
    {
        _files = files;
        Ca = files is null ? null : Contracts.Security.PemFiles.LoadCertificate(files.CaCertificatePath);
        _operatorToken = new Lazy<string?>(() => _files?.ReadOperatorToken());
    }

    /// <summary>Plaintext, no credentials: an insecure cluster.</summary>
    public static ClusterAccess Plaintext { get; } = new(null);

    /// <summary>TLS and credentials when <paramref name="dataDirectory"/> holds a cluster CA, else plaintext.</summary>
    public static ClusterAccess For(string dataDirectory)
    {
        var files = new ClusterSecretFiles(dataDirectory);
        return files.Exist ? new ClusterAccess(files) : Plaintext;
    }

    public bool Secure => Ca is not null;

    /// <summary>The cluster CA, the only issuer trusted for server certificates; null when plaintext.</summary>
    public X509Certificate2? Ca { get; }

    /// <summary>The security files, or null when plaintext.</summary>
    public ClusterSecretFiles? Files => _files;

    public string Scheme => Secure ? Uri.UriSchemeHttps : Uri.UriSchemeHttp;

    /// <summary>The operator token, or null (plaintext, or no token file).</summary>
    public string? OperatorToken => _operatorToken.Value;

    /// <summary><c>SCHEME://host:port</c>.</summary>
    public Uri Url(string host, int port) => new($"{Scheme}://{host}:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    /// <summary>
    /// <paramref name="endpoint"/>, made https when this cluster is secure (an endpoint written without TLS
    /// in mind, e.g. <c>127.0.0.1:7401</c>). Never downgrades an https endpoint.
    /// </summary>
    public Uri WithScheme(Uri endpoint) =>
        Secure && endpoint.Scheme == Uri.UriSchemeHttp ? new UriBuilder(endpoint) { Scheme = Uri.UriSchemeHttps }.Uri : endpoint;

    /// <summary>A channel for admin RPCs (CoordinatorService): the operator token on every call.</summary>
    public GrpcChannel OperatorChannel(Uri endpoint) => PairDbTransport.CreateChannel(endpoint, Ca, OperatorToken);

    /// <summary>An HTTP client for the admin APIs and /health: the operator token on every request.</summary>
    public HttpClient OperatorHttpClient(TimeSpan timeout) => PairDbTransport.CreateHttpClient(Ca, OperatorToken, timeout);

    /// <summary>An HTTP client without credentials (the anonymous /health/live and /health/ready).</summary>
    public HttpClient AnonymousHttpClient(TimeSpan timeout) => PairDbTransport.CreateHttpClient(Ca, null, timeout);

    /// <summary>The API key for <paramref name="tenant"/>'s data calls: PAIRDB_API_KEY, else <c>tenants/TENANT.key</c>, else null.</summary>
    public string? TenantKey(string tenant) =>
        Environment.GetEnvironmentVariable(ApiKeyVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment.Trim() : _files?.ReadTenantKey(tenant);

    /// <summary>SDK options for <paramref name="tenant"/>'s data calls on <paramref name="endpoint"/>.</summary>
    public PairDbClientOptions ClientOptions(Uri endpoint, string tenant) => new()
    {
        Endpoint = WithScheme(endpoint),
        CaCertificatePath = _files?.CaCertificatePath,
        ApiKey = TenantKey(tenant),
    };
}
