namespace PairDb.Contracts.Validation;

/// <summary>
/// Request validation settings (configuration section <c>validation</c>, runbook 5.3). Size limits
/// are always enforced, for trusted clients too: they protect memory and disks.
/// </summary>
public sealed class ValidationOptions
{
    public const string SectionName = "validation";

    /// <summary>Largest key in bytes. Default 1024.</summary>
    public int MaxKeyBytes { get; set; } = 1024;

    /// <summary>Largest value in bytes. Default 1 MiB.</summary>
    public int MaxValueBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest serialized causal context in bytes. Default 16 KiB.</summary>
    public int MaxContextBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// Most entries (nodes) in a causal context. Default 50 (Riak's big_vclock). Contexts the cluster
    /// hands out are pruned to this length, so a context read back is always accepted.
    /// </summary>
    public int MaxContextEntries { get; set; } = 50;

    /// <summary>Reject NUL and control bytes in keys. Default true.</summary>
    public bool EnableSecurityChecks { get; set; } = true;

    /// <summary>Fully parse the causal context (beyond its size and entry count). Default true.</summary>
    public bool EnableVectorClockChecks { get; set; } = true;

    /// <summary>Let trusted clients skip the costly checks (never the size limits). Default true.</summary>
    public bool SkipValidationForTrusted { get; set; } = true;

    /// <summary>Client identities treated as trusted. Default none.</summary>
    public IList<string> TrustedClients { get; } = [];

    /// <summary>True when requests of <paramref name="clientId"/> may skip the costly checks.</summary>
    public bool IsTrusted(string? clientId)
    {
        if (!SkipValidationForTrusted || clientId is null)
        {
            return false;
        }

        foreach (var trusted in TrustedClients)
        {
            if (string.Equals(trusted, clientId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The problems with these settings, each naming its setting; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxKeyBytes < 1)
        {
            problems.Add($"validation:MaxKeyBytes must be at least 1 (is {MaxKeyBytes})");
        }

        if (MaxValueBytes < 0)
        {
            problems.Add($"validation:MaxValueBytes must not be negative (is {MaxValueBytes})");
        }

        if (MaxContextBytes < 2)
        {
            problems.Add($"validation:MaxContextBytes must be at least 2 (is {MaxContextBytes})");
        }

        if (MaxContextEntries < 1)
        {
            problems.Add($"validation:MaxContextEntries must be at least 1 (is {MaxContextEntries})");
        }

        return problems;
    }
}
