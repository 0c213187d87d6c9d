using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using PairDb.Contracts.Security;

namespace PairDb.Hosting.Security;

/// <summary>How a listener of either host speaks, by security mode: TLS with the member certificate, or today's cleartext.</summary>
public static class SecureListen
{
    /// <summary>
    /// Secure: TLS with the member certificate, client certificates allowed (not required: operators and tenants
    /// have none) and, when presented, accepted only if they chain to the cluster CA; with both protocols, ALPN
    /// picks h2 or http/1.1. Insecure: cleartext, with both protocols decided by the first bytes.
    /// </summary>
    public static ListenOptions UseHostSecurity(this ListenOptions listen, HostSecurity security, HttpProtocols protocols)
    {
        if (!security.IsSecure)
        {
            return protocols == HttpProtocols.Http1AndHttp2 ? listen.UseHttp1AndCleartextHttp2() : SetProtocols(listen, protocols);
        }

        var ca = security.ClusterCa!;
        listen.Protocols = protocols;
        return listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = security.MemberCertificate,
            ClientCertificateMode = ClientCertificateMode.AllowCertificate,
            // The machine's trust store plays no part: only the cluster CA makes a member.
            ClientCertificateValidation = (certificate, _, _) => CertificateAuthority.IsIssuedBy(certificate, ca, CertificateAuthority.ClientAuthOid),
        });
    }

    private static ListenOptions SetProtocols(ListenOptions listen, HttpProtocols protocols)
    {
        listen.Protocols = protocols;
        return listen;
    }
}
