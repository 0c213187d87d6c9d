using Microsoft.Extensions.Options;
using PairDb.Contracts.Keys;

namespace PairDb.Coordinator.Options;

/// <summary>
/// Per-tenant quotas enforced on the coordinator (issue 14): a request rate and a byte rate (token buckets,
/// over either => RATE_LIMITED 2007, retriable, with a retry-after hint) and a stored-bytes quota (a put for a
/// tenant at or over it => QUOTA_EXCEEDED 1012; deletes always pass). Section <c>PairDb:Quotas</c>:
/// <c>PairDb:Quotas:Default:RequestsPerSecond=5000</c>, overrides per tenant under
/// <c>PairDb:Quotas:Tenants:&lt;tenant&gt;:RequestsPerSecond=100</c> (each setting an override leaves unset
/// comes from <see cref="Default"/>).
/// </summary>
public sealed class QuotaOptions
{
    public const string Section = "PairDb:Quotas";

    /// <summary>The limits of every tenant without an override; see <see cref="QuotaLimits"/> for each default.</summary>
    public QuotaLimits Default { get; set; } = QuotaLimits.CreateDefault();

    /// <summary>Overrides by tenant id; a setting left unset is the tenant's <see cref="Default"/> one.</summary>
    public Dictionary<string, QuotaLimits> Tenants { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How often the coordinator asks every node for its per-tenant stored bytes. Default 5 s: a tenant can
    /// write past its stored-bytes quota for at most this long plus a node's scan (bounded by its byte rate).
    /// </summary>
    public TimeSpan StoredBytesRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A tenant's rate buckets are dropped after this long without a request (and at least as long as its
    /// buckets take to refill from empty, so a dropped bucket was full and dropping it forgives nothing).
    /// Default 1 min. Bounds the coordinator's memory by the tenants active in the last minute.
    /// </summary>
    public TimeSpan IdleEviction { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// One tenant's limits; 0 = unlimited for each. Under <see cref="QuotaOptions.Default"/> every setting has the
/// default stated here; under <see cref="QuotaOptions.Tenants"/> a null setting falls back to the default one.
/// </summary>
public sealed class QuotaLimits
{
    /// <summary>Requests per second, a batch counting one per item. Default 5000.</summary>
    public int? RequestsPerSecond { get; set; }

    /// <summary>Requests a tenant may send at once after a quiet spell. Default (null): one second's worth.</summary>
    public int? Burst { get; set; }

    /// <summary>
    /// Request bytes per second (a write's key and value, a read's key; batch items one by one), with one
    /// second's worth of burst. Default 64 MiB/s. Read replies are not charged: reads are bounded by the
    /// request rate.
    /// </summary>
    public int? BytesPerSecond { get; set; }

    /// <summary>
    /// Logical bytes a tenant may store (keys plus stored sibling sets, counted once, not per replica).
    /// Default 0 = unlimited: no default fits every disk; set it per deployment.
    /// </summary>
    public long? StoredBytes { get; set; }

    public static QuotaLimits CreateDefault() => new()
    {
        RequestsPerSecond = 5000,
        BytesPerSecond = 64 * 1024 * 1024,
        StoredBytes = 0,
    };
}

public sealed class QuotaOptionsValidator : IValidateOptions<QuotaOptions>
{
    public ValidateOptionsResult Validate(string? name, QuotaOptions options)
    {
        var failures = new List<string>();
        CheckLimits($"{QuotaOptions.Section}:Default:", options.Default, failures);
        foreach (var (tenant, limits) in options.Tenants)
        {
            var prefix = $"{QuotaOptions.Section}:Tenants:{tenant}:";
            if (!TenantIds.IsValid(tenant))
            {
                failures.Add($"{prefix} '{tenant}' is not a tenant id ([A-Za-z0-9_-]{{1,64}})");
            }
            CheckLimits(prefix, limits, failures);
        }
        if (options.StoredBytesRefreshInterval < TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"{QuotaOptions.Section}:StoredBytesRefreshInterval {options.StoredBytesRefreshInterval} must be at least 00:00:00.1");
        }
        if (options.IdleEviction < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{QuotaOptions.Section}:IdleEviction {options.IdleEviction} must be at least 00:00:01");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckLimits(string prefix, QuotaLimits limits, List<string> failures)
    {
        if (limits.RequestsPerSecond < 0)
        {
            failures.Add($"{prefix}RequestsPerSecond {limits.RequestsPerSecond} must be 0 (unlimited) or more");
        }
        if (limits.Burst < 1)
        {
            failures.Add($"{prefix}Burst {limits.Burst} must be at least 1");
        }
        if (limits.BytesPerSecond is > 0 and < 64 * 1024)
        {
            // Below the largest key plus a small value a single request could never pass.
            failures.Add($"{prefix}BytesPerSecond {limits.BytesPerSecond} must be 0 (unlimited) or at least 64 KiB (65536)");
        }
        if (limits.BytesPerSecond < 0)
        {
            failures.Add($"{prefix}BytesPerSecond {limits.BytesPerSecond} must be 0 (unlimited) or more");
        }
        if (limits.StoredBytes < 0)
        {
            failures.Add($"{prefix}StoredBytes {limits.StoredBytes} must be 0 (unlimited) or more");
        }
    }
}
