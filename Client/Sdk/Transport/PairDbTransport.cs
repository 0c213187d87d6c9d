using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace PairDb.Client;

/// <summary>
/// The one place that builds the HTTP stack every pairdb client uses (the SDK, the CLI, <c>./pairdb up</c>,
/// the benchmarks): TLS that trusts the cluster CA alone when one is given, and an
/// <c>authorization: Bearer</c> credential on every request (gRPC metadata is HTTP/2 headers, so the
/// same handler serves gRPC channels and admin HTTP calls, over TLS or plaintext alike).
/// </summary>
public static class PairDbTransport
{
    /// <summary>
    /// A connection handler for <c>https://</c> servers whose certificate must chain to
    /// <paramref name="trustedCa"/> alone (not the machine's trust store) and name the host dialled; null:
    /// the machine's trust store. <paramref name="validation"/>, when given, decides instead.
    /// </summary>
    public static SocketsHttpHandler CreateSocketsHandler(X509Certificate2? trustedCa, RemoteCertificateValidationCallback? validation = null)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            UseProxy = false,
        };
        if (validation is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = validation;
        }
        else if (trustedCa is not null)
        {
            // SslStream builds the chain with this policy: a server certificate from any other CA is
            // refused, and the host-name check against its subject alternative names still applies.
            handler.SslOptions.CertificateChainPolicy = TrustOnly(trustedCa);
        }
        return handler;
    }

    /// <summary><see cref="CreateSocketsHandler"/> with <paramref name="bearerToken"/> (an API key or the operator token) on every request.</summary>
    public static HttpMessageHandler CreateHandler(X509Certificate2? trustedCa, string? bearerToken, RemoteCertificateValidationCallback? validation = null) =>
        WithBearer(CreateSocketsHandler(trustedCa, validation), bearerToken);

    /// <summary><paramref name="inner"/> with <paramref name="bearerToken"/> on every request; <paramref name="inner"/> itself when there is no token.</summary>
    public static HttpMessageHandler WithBearer(HttpMessageHandler inner, string? bearerToken) =>
        string.IsNullOrEmpty(bearerToken) ? inner : new BearerTokenHandler(bearerToken, inner);

    /// <summary>A gRPC channel to <paramref name="endpoint"/> over <see cref="CreateHandler"/>; <paramref name="options"/> for message limits.</summary>
    public static GrpcChannel CreateChannel(Uri endpoint, X509Certificate2? trustedCa, string? bearerToken, GrpcChannelOptions? options = null)
    {
        options ??= new GrpcChannelOptions();
        options.HttpHandler = CreateHandler(trustedCa, bearerToken);
        options.DisposeHttpClient = true;
        return GrpcChannel.ForAddress(endpoint, options);
    }

    /// <summary>An HTTP client (admin API, /health) over <see cref="CreateHandler"/>.</summary>
    public static HttpClient CreateHttpClient(X509Certificate2? trustedCa, string? bearerToken, TimeSpan timeout) =>
        new(CreateHandler(trustedCa, bearerToken), disposeHandler: true) { Timeout = timeout };

    /// <summary>A chain policy that accepts only certificates issued by <paramref name="ca"/>.</summary>
    public static X509ChainPolicy TrustOnly(X509Certificate2 ca)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.Add(ca);
        return policy;
    }

    /// <summary>Adds <c>authorization: Bearer TOKEN</c> unless the request already carries a credential.</summary>
    private sealed class BearerTokenHandler(string token, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly AuthenticationHeaderValue _header = new("Bearer", token);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization ??= _header;
            return base.SendAsync(request, cancellationToken);
        }

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization ??= _header;
            return base.Send(request, cancellationToken);
        }
    }
}
