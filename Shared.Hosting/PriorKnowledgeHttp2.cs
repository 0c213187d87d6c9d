using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Http.Features;

namespace PairDb.Hosting;

/// <summary>
/// What Kestrel's protocol selection reads to choose HTTP/2 (an application protocol of "h2", as
/// ALPN would report it), for a cleartext connection that opened with the HTTP/2 preface. There is no
/// client certificate: the connection is not TLS.
/// </summary>
internal sealed class PriorKnowledgeHttp2 : ITlsConnectionFeature, ITlsApplicationProtocolFeature
{
    public static readonly PriorKnowledgeHttp2 Instance = new();

    private static readonly byte[] H2 = "h2"u8.ToArray();

    public ReadOnlyMemory<byte> ApplicationProtocol => H2;

    public X509Certificate2? ClientCertificate
    {
        get => null;
        set => throw new NotSupportedException("a cleartext HTTP/2 connection has no client certificate");
    }

    public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
}
