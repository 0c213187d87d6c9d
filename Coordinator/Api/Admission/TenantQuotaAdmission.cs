using PairDb.Contracts.Errors;
using PairDb.Coordinator.Telemetry;
using PairDb.Coordinator.Tenants.Quotas;

namespace PairDb.Coordinator.Api.Admission;

/// <summary>
/// Per-tenant admission of each request or batch item (issue 14), after the coordinator-wide
/// <see cref="InFlightLimiter"/> and validation, before any replica is called: the tenant's request and byte
/// rates (RATE_LIMITED 2007, retriable, with a retry-after), then for puts its stored-bytes quota
/// (QUOTA_EXCEEDED 1012). Deletes never meet the stored-bytes quota: they are how a tenant gets under it. A put
/// is refused at the quota even if it would shrink its value: the coordinator does not read before writing,
/// so it cannot tell; deleting the key first always works.
/// </summary>
public sealed partial class TenantQuotaAdmission
{
    private readonly TenantRateLimiter _rates;
    private readonly TenantQuotas _quotas;
    private readonly TenantStoredBytes _stored;
    private readonly QuotaMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<TenantQuotaAdmission> _logger;
    private readonly long _logIntervalTicks;
    private long _lastQuotaLog = long.MinValue;

    public TenantQuotaAdmission(TenantRateLimiter rates, TenantQuotas quotas, TenantStoredBytes stored, QuotaMetrics metrics, TimeProvider time,
        ILogger<TenantQuotaAdmission> logger)
    {
        _rates = rates;
        _quotas = quotas;
        _stored = stored;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _logIntervalTicks = 10 * time.TimestampFrequency;
    }

    /// <summary>A get or a delete: the rates only. <paramref name="bytes"/> = the key's length.</summary>
    public void AdmitReadOrDelete(string tenant, long bytes, string operation) => _rates.Acquire(tenant, bytes, operation);

    /// <summary>A put: the rates, then the stored-bytes quota. <paramref name="bytes"/> = key plus value length.</summary>
    public void AdmitPut(string tenant, long bytes, string operation)
    {
        _rates.Acquire(tenant, bytes, operation);
        var quota = _quotas.Of(tenant).StoredBytes;
        if (quota == 0)
        {
            return;
        }

        var stored = _stored.Of(tenant);
        if (stored >= quota)
        {
            _metrics.QuotaExceeded(tenant);
            LogThrottled(tenant, stored, quota);
            PairDbException.Throw(ErrorCode.QuotaExceeded,
                $"tenant '{tenant}' stores {stored} bytes, at or over its quota of {quota}; delete data or ask for a larger quota (deletes are always accepted)");
        }
    }

    private void LogThrottled(string tenant, long stored, long quota)
    {
        var now = _time.GetTimestamp();
        var last = Volatile.Read(ref _lastQuotaLog);
        if ((last == long.MinValue || now - last >= _logIntervalTicks) && Interlocked.CompareExchange(ref _lastQuotaLog, now, last) == last)
        {
            LogQuotaExceeded(tenant, stored, quota);
        }
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning,
        Message = "Tenant stored-bytes quota exceeded tenant={Tenant} stored_bytes={StoredBytes} quota={Quota}; puts refused (logged at most every 10 s; tenant_quota_exceeded_total counts all)")]
    private partial void LogQuotaExceeded(string tenant, long storedBytes, long quota);
}
