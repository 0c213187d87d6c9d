using System.Diagnostics.Metrics;

namespace PairDb.Coordinator.Telemetry;

/// <summary>
/// Per-tenant quota instruments. The tenant label's cardinality is the number of tenants that hit a limit
/// (and, for the gauge, that store data): tenants are operator-created, so this stays an operator-sized set.
/// </summary>
public sealed class QuotaMetrics
{
    public const string TenantRateLimitedTotal = "tenant_rate_limited_total";
    public const string TenantQuotaExceededTotal = "tenant_quota_exceeded_total";
    public const string TenantStoredBytes = "tenant_stored_bytes";
    public const string TenantLabel = "tenant";
    public const string KindLabel = "kind";

    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _quotaExceeded;
    private readonly Meter _meter;

    public QuotaMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(CoordinatorMetrics.MeterName);
        _rateLimited = _meter.CreateCounter<long>(TenantRateLimitedTotal,
            description: "Client requests (batch items one by one) refused with RATE_LIMITED, by tenant and the rate they were over (requests|bytes)");
        _quotaExceeded = _meter.CreateCounter<long>(TenantQuotaExceededTotal,
            description: "Puts refused with QUOTA_EXCEEDED because the tenant's stored bytes reached its quota");
    }

    /// <summary>Publishes the stored-bytes gauge; called once by the owner of the figures.</summary>
    public void ObserveStoredBytes(Func<IEnumerable<Measurement<long>>> storedBytes) =>
        _meter.CreateObservableGauge(TenantStoredBytes, storedBytes, unit: "By",
            description: "Estimated logical bytes a tenant stores (sum over nodes of keys plus stored sibling sets, divided by the replication factor)");

    public void RateLimited(string tenant, string kind) =>
        _rateLimited.Add(1, new KeyValuePair<string, object?>(TenantLabel, tenant), new KeyValuePair<string, object?>(KindLabel, kind));

    public void QuotaExceeded(string tenant) =>
        _quotaExceeded.Add(1, new KeyValuePair<string, object?>(TenantLabel, tenant));
}
