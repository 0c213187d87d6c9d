using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Options;

namespace PairDb.Coordinator.Tenants;

/// <summary>The conflict mode of each tenant, from <see cref="TenantOptions.ConflictModes"/> (validated at start-up).</summary>
public sealed class TenantConflictModes
{
    private readonly FrozenDictionary<string, ConflictMode> _modes;

    public TenantConflictModes(IOptions<TenantOptions> options)
    {
        var modes = new Dictionary<string, ConflictMode>(StringComparer.Ordinal);
        foreach (var (tenant, name) in options.Value.ConflictModes)
        {
            if (TenantOptions.TryParseMode(name, out var mode) && mode != ConflictMode.Siblings)
            {
                modes[tenant] = mode;
            }
        }
        _modes = modes.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The mode of <paramref name="tenantId"/>; <see cref="ConflictMode.Siblings"/> unless configured otherwise.</summary>
    public ConflictMode ModeOf(string tenantId) => _modes.GetValueOrDefault(tenantId, ConflictMode.Siblings);

    /// <summary>For the start-up log: <c>tenant=Mode</c> pairs, or <c>none</c>.</summary>
    public string Describe() =>
        _modes.Count == 0 ? "none" : string.Join(",", _modes.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value}"));
}
