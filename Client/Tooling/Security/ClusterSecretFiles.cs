using System.Buffers.Text;
using System.Security.Cryptography;
using PairDb.Contracts.Security;

namespace PairDb.Client.Tooling.Security;

/// <summary>
/// The security files of a cluster directory (README "Security"): <c>tls/ca.crt</c> and <c>tls/ca.key</c>
/// (the cluster CA), <c>tls/HOST.crt|.key</c> per host (member certificates for 127.0.0.1 and localhost),
/// <c>operator.token</c> and <c>tenants/TENANT.key</c>. Keys and secrets are written readable by their
/// owner only. Every <c>Ensure</c> keeps what exists, so <c>up</c> after <c>down</c> reuses the same CA,
/// certificates and token, and a node added later gets its own certificate from the same CA.
/// </summary>
public sealed class ClusterSecretFiles(string dataDirectory)
{
    /// <summary>The coordinator's host id: its certificate is <c>tls/coordinator.crt</c>.</summary>
    public const string CoordinatorHostId = "coordinator";

    private const int OperatorTokenBytes = 32;
    private static readonly TimeSpan CaValidity = TimeSpan.FromDays(3650);
    private static readonly TimeSpan MemberValidity = TimeSpan.FromDays(825);

    /// <summary>Names every member certificate carries: the local cluster listens on loopback.</summary>
    public static readonly IReadOnlyList<string> LoopbackNames = ["127.0.0.1", "localhost"];

    public string DataDirectory { get; } = Path.GetFullPath(dataDirectory);

    public string TlsDirectory => Path.Combine(DataDirectory, "tls");

    public string CaCertificatePath => Path.Combine(TlsDirectory, "ca.crt");

    public string CaKeyPath => Path.Combine(TlsDirectory, "ca.key");

    public string OperatorTokenPath => Path.Combine(DataDirectory, "operator.token");

    public string TenantsDirectory => Path.Combine(DataDirectory, "tenants");

    /// <summary>True when the directory holds a cluster CA: its cluster is secure and clients speak TLS to it.</summary>
    public bool Exist => File.Exists(CaCertificatePath);

    public string CertificatePath(string hostId) => Path.Combine(TlsDirectory, HostFileName(hostId) + ".crt");

    public string KeyPath(string hostId) => Path.Combine(TlsDirectory, HostFileName(hostId) + ".key");

    /// <summary><c>tenants/TENANT.key</c>, or null when the tenant id cannot be a file name.</summary>
    public string? TenantKeyPath(string tenant) =>
        IsFileName(tenant) ? Path.Combine(TenantsDirectory, tenant + ".key") : null;

    /// <summary>Creates the CA, unless both of its files exist, and the operator token, unless it exists.</summary>
    public void EnsureCaAndOperatorToken()
    {
        var haveCertificate = File.Exists(CaCertificatePath);
        if (haveCertificate != File.Exists(CaKeyPath))
        {
            throw new InvalidOperationException(
                $"{(haveCertificate ? CaKeyPath : CaCertificatePath)} is missing but {(haveCertificate ? CaCertificatePath : CaKeyPath)} exists: " +
                $"restore it, or delete {TlsDirectory} to make a new CA (and new certificates for every host)");
        }
        if (!haveCertificate)
        {
            using var ca = CertificateAuthority.CreateCa("pairdb cluster CA", CaValidity);
            // The key first: a certificate without its key would stop the next run (see above).
            PemFiles.Write(ca, CaCertificatePath + ".new", CaKeyPath);
            File.Move(CaCertificatePath + ".new", CaCertificatePath);
        }
        if (!File.Exists(OperatorTokenPath))
        {
            PemFiles.WriteSecret(OperatorTokenPath, Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(OperatorTokenBytes)));
        }
    }

    /// <summary>Issues <paramref name="hostId"/>'s member certificate from the CA unless it has one.</summary>
    public void EnsureMember(string hostId)
    {
        if (File.Exists(CertificatePath(hostId)) && File.Exists(KeyPath(hostId)))
        {
            return;
        }
        using var ca = PemFiles.LoadWithKey(CaCertificatePath, CaKeyPath);
        using var member = CertificateAuthority.IssueMember(ca, hostId, LoopbackNames, MemberValidity);
        PemFiles.Write(member, CertificatePath(hostId), KeyPath(hostId));
    }

    /// <summary>
    /// The <c>PairDb:Security</c> settings that make a host secure with <paramref name="hostId"/>'s
    /// certificate: file paths only, never a secret, since command lines are readable by every local user.
    /// </summary>
    public IReadOnlyList<string> HostArguments(string hostId) =>
    [
        $"--PairDb:Security:CertificatePath={CertificatePath(hostId)}",
        $"--PairDb:Security:KeyPath={KeyPath(hostId)}",
        $"--PairDb:Security:CaPath={CaCertificatePath}",
        $"--PairDb:Security:OperatorTokenPath={OperatorTokenPath}",
    ];

    /// <summary>The operator token, or null when there is none.</summary>
    public string? ReadOperatorToken() => File.Exists(OperatorTokenPath) ? PemFiles.ReadSecret(OperatorTokenPath) : null;

    /// <summary>The saved API key of <paramref name="tenant"/>, or null.</summary>
    public string? ReadTenantKey(string tenant) =>
        TenantKeyPath(tenant) is { } path && File.Exists(path) ? PemFiles.ReadSecret(path) : null;

    /// <summary>Saves <paramref name="tenant"/>'s API key (0600); returns the file.</summary>
    public string SaveTenantKey(string tenant, string apiKey)
    {
        var path = TenantKeyPath(tenant) ?? throw new ArgumentException($"tenant '{tenant}' cannot name a key file", nameof(tenant));
        PemFiles.WriteSecret(path, apiKey);
        return path;
    }

    private static string HostFileName(string hostId) =>
        IsFileName(hostId) ? hostId : throw new ArgumentException($"host id '{hostId}' cannot name a certificate file", nameof(hostId));

    private static bool IsFileName(string name) =>
        name.Length > 0 && name is not "." and not ".." && name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0;
}
