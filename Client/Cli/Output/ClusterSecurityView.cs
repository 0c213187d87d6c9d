using PairDb.Client.Tooling.Cluster;
using PairDb.Client.Tooling.Security;

namespace PairDb.Client.Cli.Output;

/// <summary>
/// How <c>status</c> and <c>up</c> show a cluster's security: the mode and where its files are, never what
/// they hold (an operator token or API key on a screen ends up in a scrollback or a pasted issue).
/// </summary>
public sealed record ClusterSecurityView(string Mode, string? CaCertificate, string? OperatorToken, IReadOnlyList<string> TenantKeys)
{
    public static ClusterSecurityView Of(ClusterAccess access, ClusterState? state)
    {
        if (access.Files is not { } files)
        {
            // A state that says secure but no CA on disk: the files were removed; say so rather than "insecure".
            return new ClusterSecurityView(state is { Secure: true } ? "secure (tls/ca.crt missing)" : "insecure", null, null, []);
        }
        var tenantKeys = Directory.Exists(files.TenantsDirectory)
            ? Directory.GetFiles(files.TenantsDirectory, "*.key").Order(StringComparer.Ordinal).ToList()
            : [];
        return new ClusterSecurityView("secure", files.CaCertificatePath, File.Exists(files.OperatorTokenPath) ? files.OperatorTokenPath : null, tenantKeys);
    }

    /// <summary>One (setting, value) per line of the status table.</summary>
    public IEnumerable<(string Setting, string Value)> Lines()
    {
        yield return ("mode", Mode == "insecure" ? "insecure: plaintext, no authentication (up --insecure)" : Mode);
        if (CaCertificate is not null)
        {
            yield return ("CA certificate", CaCertificate);
        }
        if (OperatorToken is not null)
        {
            yield return ("operator token", OperatorToken);
        }
        foreach (var key in TenantKeys)
        {
            yield return ("tenant key", key);
        }
    }
}
