using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Errors;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Telemetry;

namespace PairDb.Coordinator.Tenants.Quotas;

/// <summary>
/// Per-tenant request and byte rates (System.Threading.RateLimiting token buckets). A request takes one
/// request token and its bytes from its tenant's buckets or is refused with RATE_LIMITED (2007) carrying the
/// delay after which the bucket will hold enough. Tenants are unbounded, so their buckets are too: a sweep on
/// the <see cref="TimeProvider"/>'s timer drops the buckets of tenants idle for
/// <see cref="QuotaOptions.IdleEviction"/> (and at least their refill time, so a dropped bucket was full).
/// </summary>
public sealed partial class TenantRateLimiter : IDisposable
{
    public const string RequestsKind = "requests";
    public const string BytesKind = "bytes";

    private readonly ConcurrentDictionary<string, TenantBuckets> _buckets = new(StringComparer.Ordinal);
    private readonly TenantQuotas _quotas;
    private readonly QuotaMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly TimeSpan _idleEviction;
    private readonly long _logIntervalTicks;
    private readonly ITimer _sweeper;
    private readonly ILogger<TenantRateLimiter> _logger;

    public TenantRateLimiter(TenantQuotas quotas, IOptions<QuotaOptions> options, QuotaMetrics metrics, TimeProvider time, ILogger<TenantRateLimiter> logger)
    {
        _quotas = quotas;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _idleEviction = options.Value.IdleEviction;
        _logIntervalTicks = (long)(TimeSpan.FromSeconds(10).TotalSeconds * time.TimestampFrequency);
        var sweepEvery = _idleEviction / 2;
        _sweeper = time.CreateTimer(_ => Sweep(), null, sweepEvery, sweepEvery);
    }

    /// <summary>Tenants whose buckets are held (for tests and the eviction bound).</summary>
    public int TrackedTenants => _buckets.Count;

    /// <summary>
    /// Takes one request and <paramref name="bytes"/> bytes of <paramref name="tenant"/>'s rates, or throws
    /// <see cref="RateLimitedException"/>. A request refused for its bytes has still spent its request token.
    /// </summary>
    public void Acquire(string tenant, long bytes, string operation)
    {
        var quota = _quotas.Of(tenant);
        if (quota.RequestsPerSecond == 0 && quota.BytesPerSecond == 0)
        {
            return;
        }

        var now = _time.GetTimestamp();
        var buckets = _buckets.GetOrAdd(tenant, static (_, state) => new TenantBuckets(state.quota, state.now), (quota, now));
        buckets.Touch(now);
        if (buckets.Requests is { } requests)
        {
            TakeOrThrow(requests, 1, quota.RequestsPerSecond, tenant, RequestsKind, operation, buckets, now);
        }
        if (buckets.Bytes is { } bytesBucket)
        {
            // A request larger than the burst is charged a full bucket: it passes alone, like the in-flight limit.
            var charge = (int)Math.Min(Math.Max(bytes, 1), quota.BytesPerSecond);
            TakeOrThrow(bytesBucket, charge, quota.BytesPerSecond, tenant, BytesKind, operation, buckets, now);
        }
    }

    private void TakeOrThrow(TokenBucketRateLimiter bucket, int permits, int perSecond, string tenant, string kind, string operation, TenantBuckets buckets, long now)
    {
        bucket.TryReplenish();
        using var lease = bucket.AttemptAcquire(permits);
        if (lease.IsAcquired)
        {
            return;
        }

        var available = bucket.GetStatistics()?.CurrentAvailablePermits ?? 0;
        var retryAfter = TimeSpan.FromSeconds(Math.Max(permits - available, 1) / (double)perSecond);
        _metrics.RateLimited(tenant, kind);
        if (buckets.ShouldLog(now, _logIntervalTicks))
        {
            LogRateLimited(tenant, kind, perSecond, operation);
        }
        var unit = kind == RequestsKind ? "requests" : "bytes";
        throw new RateLimitedException(retryAfter,
            $"tenant '{tenant}' is over its rate of {perSecond} {unit} per second; nothing was done, retry after {Math.Max(1, (long)Math.Ceiling(retryAfter.TotalMilliseconds))} ms");
    }

    /// <summary>Drops the buckets of tenants idle longer than the eviction time and their refill time.</summary>
    internal void Sweep()
    {
        var now = _time.GetTimestamp();
        foreach (var (tenant, buckets) in _buckets)
        {
            var idleFor = _time.GetElapsedTime(buckets.LastUsedTimestamp, now);
            if (idleFor >= _idleEviction && idleFor >= buckets.Quota.RefillTime)
            {
                // A request racing the removal spends tokens of a bucket just dropped: it was full, nothing is lost.
                _buckets.TryRemove(new KeyValuePair<string, TenantBuckets>(tenant, buckets));
            }
        }
    }

    public void Dispose() => _sweeper.Dispose();

    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning,
        Message = "Tenant rate limited tenant={Tenant} kind={Kind} limit_per_second={LimitPerSecond} operation={Operation} (logged at most every 10 s per tenant; tenant_rate_limited_total counts all)")]
    private partial void LogRateLimited(string tenant, string kind, int limitPerSecond, string operation);
}
