namespace PairDb.Hosting.Security;

/// <summary>
/// <c>PairDb:Security</c>, the same on both hosts (README "Security"). A host is <b>secure</b> when
/// CertificatePath, KeyPath and CaPath are all set: both of its ports serve TLS with its member
/// certificate, and every request must authenticate (member client certificate, operator token or,
/// on a coordinator, a tenant API key). With none of them set the host is <b>insecure</b> (plaintext,
/// no authentication, every caller may do everything): allowed on a loopback listen address, and on
/// any other address only with <see cref="Insecure"/> (<c>--insecure</c>), logged loudly either way.
/// </summary>
public sealed class SecurityOptions
{
    public const string Section = "PairDb:Security";

    /// <summary>Explicit opt-out: serve plaintext without authentication even on a non-loopback address.</summary>
    public bool Insecure { get; set; }

    /// <summary>This host's member certificate (PEM), signed by the cluster CA: served on both ports, and presented as client certificate on calls to other members.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The private key of <see cref="CertificatePath"/> (PEM, PKCS#8), readable by the host's user only.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The cluster CA certificate (PEM): the only trust anchor for members' server and client certificates.</summary>
    public string? CaPath { get; set; }

    /// <summary>File holding the operator token (one line). Only its hash is kept in memory. Required when secure.</summary>
    public string? OperatorTokenPath { get; set; }

    /// <summary>How often a coordinator re-reads revocations and expiries of tenant API keys; revocation takes effect within this.</summary>
    public TimeSpan ApiKeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>True when the TLS files are configured (all three; a partial set is a startup error).</summary>
    public bool TlsConfigured => CertificatePath is not null || KeyPath is not null || CaPath is not null;
}
