using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using PairDb.Coordinator.Options;

namespace PairDb.Coordinator.Tenants.Quotas;

/// <summary>Each tenant's effective quota: its <see cref="QuotaOptions.Tenants"/> override over <see cref="QuotaOptions.Default"/>.</summary>
public sealed class TenantQuotas
{
    private readonly TenantQuota _default;
    private readonly FrozenDictionary<string, TenantQuota> _overrides;

    public TenantQuotas(IOptions<QuotaOptions> options)
    {
        var defaults = QuotaLimits.CreateDefault();
        _default = Resolve(options.Value.Default, defaults);
        var baseline = options.Value.Default;
        var overrides = new Dictionary<string, TenantQuota>(StringComparer.Ordinal);
        foreach (var (tenant, limits) in options.Value.Tenants)
        {
            overrides[tenant] = Resolve(limits, new QuotaLimits
            {
                RequestsPerSecond = baseline.RequestsPerSecond ?? defaults.RequestsPerSecond,
                // An override of the rate alone gets one second of its own rate, not the default's burst.
                Burst = limits.RequestsPerSecond is null ? baseline.Burst : null,
                BytesPerSecond = baseline.BytesPerSecond ?? defaults.BytesPerSecond,
                StoredBytes = baseline.StoredBytes ?? defaults.StoredBytes,
            });
        }
        _overrides = overrides.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public TenantQuota Of(string tenant) => _overrides.GetValueOrDefault(tenant, _default);

    /// <summary>For the start-up log: the default and each override.</summary>
    public string Describe() =>
        $"default=({Describe(_default)})" + string.Concat(_overrides.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $" {o.Key}=({Describe(o.Value)})"));

    private static string Describe(TenantQuota q) =>
        $"requests_per_second={q.RequestsPerSecond} burst={q.Burst} bytes_per_second={q.BytesPerSecond} stored_bytes={q.StoredBytes}";

    private static TenantQuota Resolve(QuotaLimits limits, QuotaLimits fallback)
    {
        var rate = limits.RequestsPerSecond ?? fallback.RequestsPerSecond ?? 0;
        return new TenantQuota(
            rate,
            limits.Burst ?? fallback.Burst ?? Math.Max(1, rate),
            limits.BytesPerSecond ?? fallback.BytesPerSecond ?? 0,
            limits.StoredBytes ?? fallback.StoredBytes ?? 0);
    }
}
