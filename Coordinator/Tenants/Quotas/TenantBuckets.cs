using System.Threading.RateLimiting;

namespace PairDb.Coordinator.Tenants.Quotas;

/// <summary>
/// One tenant's two token buckets (requests, request bytes; null when unlimited). They are not
/// auto-replenishing: each acquisition first tops the bucket up by the time elapsed since the last one
/// (TryReplenish), so no timer walks every tenant and an idle bucket costs nothing.
/// </summary>
internal sealed class TenantBuckets
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private long _lastUsedTimestamp;
    private long _lastLoggedTimestamp;

    public TenantBuckets(TenantQuota quota, long nowTimestamp)
    {
        Quota = quota;
        Requests = quota.RequestsPerSecond == 0 ? null : Bucket(quota.Burst, quota.RequestsPerSecond);
        Bytes = quota.BytesPerSecond == 0 ? null : Bucket(quota.BytesPerSecond, quota.BytesPerSecond);
        _lastUsedTimestamp = nowTimestamp;
        _lastLoggedTimestamp = long.MinValue;
    }

    public TenantQuota Quota { get; }

    public TokenBucketRateLimiter? Requests { get; }

    public TokenBucketRateLimiter? Bytes { get; }

    public long LastUsedTimestamp => Volatile.Read(ref _lastUsedTimestamp);

    public void Touch(long nowTimestamp) => Volatile.Write(ref _lastUsedTimestamp, nowTimestamp);

    /// <summary>True for the first caller per <paramref name="interval"/>: refusals are logged at most that often per tenant.</summary>
    public bool ShouldLog(long nowTimestamp, long intervalTicks)
    {
        var last = Volatile.Read(ref _lastLoggedTimestamp);
        return (last == long.MinValue || nowTimestamp - last >= intervalTicks)
            && Interlocked.CompareExchange(ref _lastLoggedTimestamp, nowTimestamp, last) == last;
    }

    private static TokenBucketRateLimiter Bucket(int limit, int perSecond) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = limit,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = Second,
        AutoReplenishment = false,
        QueueLimit = 0,
    });
}
