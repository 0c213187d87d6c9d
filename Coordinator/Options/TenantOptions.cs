using Microsoft.Extensions.Options;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Keys;

namespace PairDb.Coordinator.Options;

/// <summary>Per-tenant settings. Section <c>PairDb:Tenants</c>.</summary>
public sealed class TenantOptions
{
    public const string Section = "PairDb:Tenants";

    /// <summary>The modes <see cref="ConflictModes"/> accepts (case-insensitive).</summary>
    public const string SiblingsMode = "Siblings";
    public const string LastWriterWinsMode = "LastWriterWins";

    /// <summary>
    /// Conflict mode by tenant id: <c>PairDb:Tenants:ConflictModes:&lt;tenant&gt;=LastWriterWins</c> or
    /// <c>Siblings</c>. Default: every tenant in <c>Siblings</c> mode (concurrent writes are kept as
    /// siblings for the client to resolve). In <c>LastWriterWins</c> mode a write replaces whatever the
    /// coordinating replica holds and a read returns only the latest write (README "Conflict modes").
    /// </summary>
    public Dictionary<string, string> ConflictModes { get; } = new(StringComparer.Ordinal);

    /// <summary>The wire value of a valid mode name; false for anything else.</summary>
    public static bool TryParseMode(string? name, out ConflictMode mode)
    {
        if (string.Equals(name, SiblingsMode, StringComparison.OrdinalIgnoreCase))
        {
            mode = ConflictMode.Siblings;
            return true;
        }

        if (string.Equals(name, LastWriterWinsMode, StringComparison.OrdinalIgnoreCase))
        {
            mode = ConflictMode.LastWriterWins;
            return true;
        }

        mode = ConflictMode.Siblings;
        return false;
    }
}

public sealed class TenantOptionsValidator : IValidateOptions<TenantOptions>
{
    public ValidateOptionsResult Validate(string? name, TenantOptions options)
    {
        const string P = TenantOptions.Section + ":ConflictModes:";
        var failures = new List<string>();
        foreach (var (tenant, mode) in options.ConflictModes)
        {
            if (!TenantIds.IsValid(tenant))
            {
                failures.Add($"{P}{tenant}: '{tenant}' is not a tenant id ([A-Za-z0-9_-]{{1,64}})");
            }
            if (!TenantOptions.TryParseMode(mode, out _))
            {
                failures.Add($"{P}{tenant} '{mode}' must be {TenantOptions.SiblingsMode} or {TenantOptions.LastWriterWinsMode}");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
