using System.Security.Cryptography.X509Certificates;
using PairDb.Contracts.Security;
using PairDb.Hosting.Security;

namespace PairDb.Integration.Tests.Support;

/// <summary>
/// A secure cluster's files in a test directory, made the way an operator makes them: the cluster CA, a member
/// certificate per host (SANs 127.0.0.1 and localhost), the operator token; and, for refusal tests, a second CA
/// with a member certificate of its own that the cluster must not accept.
/// </summary>
internal sealed class ClusterCredentials
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(1);
    private readonly string _directory;

    private ClusterCredentials(string directory)
    {
        _directory = directory;
        Ca = CertificateAuthority.CreateCa("pairdb test cluster", Validity);
        CaPath = Path.Combine(directory, "ca.crt");
        PemFiles.Write(Ca, CaPath, keyPath: null);
        OperatorToken = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        OperatorTokenPath = Path.Combine(directory, "operator.token");
        PemFiles.WriteSecret(OperatorTokenPath, OperatorToken);
        ClientMember = CertificateAuthority.IssueMember(Ca, "test-member", ["127.0.0.1", "localhost"], Validity);
        OtherCa = CertificateAuthority.CreateCa("some other cluster", Validity);
        OtherMember = CertificateAuthority.IssueMember(OtherCa, "other-member", ["127.0.0.1", "localhost"], Validity);
    }

    public X509Certificate2 Ca { get; }

    public string CaPath { get; }

    public string OperatorToken { get; }

    public string OperatorTokenPath { get; }

    /// <summary>A member certificate of the cluster CA held by the test (it calls the internal plane as a member would).</summary>
    public X509Certificate2 ClientMember { get; }

    /// <summary>A CA that is not the cluster's.</summary>
    public X509Certificate2 OtherCa { get; }

    /// <summary>A member certificate of <see cref="OtherCa"/>: looks like a member, is not one.</summary>
    public X509Certificate2 OtherMember { get; }

    public static ClusterCredentials Create(string directory)
    {
        Directory.CreateDirectory(directory);
        return new ClusterCredentials(directory);
    }

    /// <summary>Issues <paramref name="hostId"/>'s member certificate and returns the host settings that make it secure (paths only).</summary>
    public Dictionary<string, string> HostSettings(string hostId)
    {
        var certificate = Path.Combine(_directory, hostId + ".crt");
        var key = Path.Combine(_directory, hostId + ".key");
        using var member = CertificateAuthority.IssueMember(Ca, hostId, ["127.0.0.1", "localhost"], Validity);
        PemFiles.Write(member, certificate, key);
        return new Dictionary<string, string>
        {
            [SecurityOptions.Section + ":CertificatePath"] = certificate,
            [SecurityOptions.Section + ":KeyPath"] = key,
            [SecurityOptions.Section + ":CaPath"] = CaPath,
            [SecurityOptions.Section + ":OperatorTokenPath"] = OperatorTokenPath,
        };
    }

    /// <summary>
    /// An HTTP handler that trusts <paramref name="trusted"/> only (the cluster CA unless told otherwise) and presents
    /// <paramref name="clientCertificate"/>, if any.
    /// </summary>
    public SocketsHttpHandler Handler(X509Certificate2? clientCertificate = null, X509Certificate2? trusted = null)
    {
        var anchor = trusted ?? Ca;
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => MemberHttp.IsClusterServer(certificate, errors, anchor);
        if (clientCertificate is not null)
        {
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }
        return handler;
    }
}
