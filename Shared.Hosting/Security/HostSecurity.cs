using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using PairDb.Contracts.Security;

namespace PairDb.Hosting.Security;

/// <summary>
/// The security mode a host resolved from <see cref="SecurityOptions"/> and its listen address, once, before
/// any port is bound: <b>secure</b> (member certificate, cluster CA and operator token loaded; TLS and
/// authentication everywhere) or <b>insecure</b> (plaintext, every caller has every identity).
/// </summary>
public sealed class HostSecurity
{
    private readonly byte[]? _operatorTokenHash;

    private HostSecurity(X509Certificate2? member, X509Certificate2? ca, byte[]? operatorTokenHash, bool explicitlyInsecure)
    {
        MemberCertificate = member;
        ClusterCa = ca;
        _operatorTokenHash = operatorTokenHash;
        ExplicitlyInsecure = explicitlyInsecure;
    }

    /// <summary>True when TLS and authentication are on.</summary>
    public bool IsSecure => MemberCertificate is not null;

    /// <summary>Insecure because the operator said so (<c>--insecure</c>), not merely by default on loopback.</summary>
    public bool ExplicitlyInsecure { get; }

    /// <summary>This host's certificate with its key (secure only): served on both ports, presented on calls to other members.</summary>
    public X509Certificate2? MemberCertificate { get; }

    /// <summary>The cluster CA (secure only): the one trust anchor for members' server and client certificates.</summary>
    public X509Certificate2? ClusterCa { get; }

    /// <summary>The URI scheme this host's ports speak and its peers are dialled with.</summary>
    public string Scheme => IsSecure ? Uri.UriSchemeHttps : Uri.UriSchemeHttp;

    /// <summary>An insecure host: for tools and tests that run hosts' pieces without configuration.</summary>
    public static HostSecurity Insecure { get; } = new(null, null, null, explicitlyInsecure: false);

    /// <summary>
    /// The mode <paramref name="options"/> select for a host listening on <paramref name="listenAddress"/>
    /// (an IP address, or <c>*</c> for every interface); throws <see cref="SecurityConfigurationException"/>
    /// when the host must not start.
    /// </summary>
    public static HostSecurity Resolve(SecurityOptions options, string listenAddress)
    {
        string?[] tlsFiles = [options.CertificatePath, options.KeyPath, options.CaPath];
        if (!options.TlsConfigured)
        {
            if (!IsLoopback(listenAddress) && !options.Insecure)
            {
                throw new SecurityConfigurationException(
                    $"refusing to listen on {listenAddress} without TLS and authentication: set {SecurityOptions.Section}:CertificatePath, KeyPath, CaPath " +
                    $"and OperatorTokenPath, listen on 127.0.0.1, or pass --insecure ({SecurityOptions.Section}:Insecure=true) to accept that anyone who can reach the ports can read, write and delete all data");
            }
            return new HostSecurity(null, null, null, options.Insecure);
        }

        if (Array.Exists(tlsFiles, string.IsNullOrWhiteSpace))
        {
            throw new SecurityConfigurationException(
                $"{SecurityOptions.Section}:CertificatePath, KeyPath and CaPath must be set together (TLS is all or nothing); set: " +
                string.Join(", ", new[] { "CertificatePath", "KeyPath", "CaPath" }.Where((_, i) => !string.IsNullOrWhiteSpace(tlsFiles[i]))));
        }
        if (string.IsNullOrWhiteSpace(options.OperatorTokenPath))
        {
            throw new SecurityConfigurationException($"{SecurityOptions.Section}:OperatorTokenPath must be set when TLS is configured (a secure host needs an operator credential)");
        }

        try
        {
            var member = PemFiles.LoadWithKey(options.CertificatePath!, options.KeyPath!);
            var ca = PemFiles.LoadCertificate(options.CaPath!);
            if (!CertificateAuthority.IsIssuedBy(member, ca, CertificateAuthority.ServerAuthOid))
            {
                throw new SecurityConfigurationException(
                    $"{SecurityOptions.Section}:CertificatePath {options.CertificatePath} is not a valid server certificate of the CA in {options.CaPath}");
            }
            var token = PemFiles.ReadSecret(options.OperatorTokenPath!);
            if (token.Length == 0)
            {
                throw new SecurityConfigurationException($"{SecurityOptions.Section}:OperatorTokenPath {options.OperatorTokenPath} is empty");
            }
            return new HostSecurity(member, ca, Hash(token), explicitlyInsecure: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new SecurityConfigurationException($"cannot load the {SecurityOptions.Section} files: {e.Message}", e);
        }
    }

    /// <summary>True when <paramref name="presented"/> is the operator token (hashes compared in constant time).</summary>
    public bool IsOperatorToken(string presented) =>
        _operatorTokenHash is not null && CryptographicOperations.FixedTimeEquals(Hash(presented), _operatorTokenHash);

    /// <summary>True for a loopback IP address (127.0.0.0/8, ::1); <c>*</c> and every other address are not.</summary>
    public static bool IsLoopback(string listenAddress) =>
        IPAddress.TryParse(listenAddress.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
