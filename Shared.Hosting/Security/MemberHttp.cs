using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using PairDb.Contracts.Security;

namespace PairDb.Hosting.Security;

/// <summary>
/// The HTTP handler of every call one cluster member makes on another (coordinator to node, node to node, node to
/// coordinator): on a secure host it presents the member certificate and trusts only the cluster CA (the machine's
/// trust store plays no part); on an insecure host it is a plain handler.
/// </summary>
public static class MemberHttp
{
    /// <summary>A new handler for calls to other members, tuned by <paramref name="tune"/> (timeouts, keep-alive).</summary>
    public static SocketsHttpHandler CreateHandler(HostSecurity security, Action<SocketsHttpHandler>? tune = null)
    {
        var handler = new SocketsHttpHandler();
        tune?.Invoke(handler);
        if (security.IsSecure)
        {
            var member = security.MemberCertificate!;
            var ca = security.ClusterCa!;
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                // Always this certificate, whatever acceptable issuers the server lists (or omits).
                LocalCertificateSelectionCallback = (_, _, _, _, _) => member,
                ClientCertificates = [member],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsClusterServer(certificate, errors, ca),
            };
        }
        return handler;
    }

    /// <summary>
    /// The peer's certificate names the host dialled and chains to the cluster CA as a server certificate; chain
    /// errors against the machine's store are expected (the cluster CA is in no store) and decided by the CA alone.
    /// </summary>
    public static bool IsClusterServer(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2 ca) =>
        certificate is X509Certificate2 presented
        && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
        && CertificateAuthority.IsIssuedBy(presented, ca, CertificateAuthority.ServerAuthOid);

    /// <summary><c>scheme://host:port</c>, bracketing an IPv6 host.</summary>
    public static string Address(string scheme, string host, long port) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{scheme}://{(host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host)}:{port}");
}
