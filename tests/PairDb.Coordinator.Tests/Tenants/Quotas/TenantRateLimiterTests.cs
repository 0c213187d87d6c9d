using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PairDb.Contracts.Errors;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Telemetry;
using PairDb.Coordinator.Tenants.Quotas;
using PairDb.Coordinator.Tests.Support;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace PairDb.Coordinator.Tests.Tenants.Quotas;

/// <summary>
/// Per-tenant token buckets. The buckets refill by real elapsed time, so every refusal here needs a refill
/// of at least half a second (one request at one per second, half a bucket of bytes): deterministic on a
/// loaded machine, where no two test lines are that far apart. Eviction runs on the
/// fake clock's timer.
/// </summary>
public sealed class TenantRateLimiterTests
{
    private const int SlowRate = 1;
    private const int SlowBurst = 3;
    private const int MinBytesPerSecond = 64 * 1024;

    [Test]
    public void Acquire_PastTheBurst_RateLimitedWithARetryAfterAndCounted()
    {
        using var harness = new Harness(new QuotaLimits { RequestsPerSecond = SlowRate, Burst = SlowBurst });
        using var limited = harness.Counter(QuotaMetrics.TenantRateLimitedTotal);
        for (var i = 0; i < SlowBurst; i++)
        {
            harness.Limiter.Acquire("a", 10, "put");
        }

        var error = Assert.Throws<RateLimitedException>(() => harness.Limiter.Acquire("a", 10, "put"))!;

        Assert.That(error.Code, Is.EqualTo(ErrorCode.RateLimited));
        Assert.That(error.Retriable, Is.True);
        Assert.That(error.RetryAfter, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromSeconds(1)), "one token at one per second");
        Assert.That(error.Message, Does.Contain("tenant 'a' is over its rate of 1 requests per second").And.Contain("retry after"));
        Assert.That(limited.Total, Is.EqualTo(1));
    }

    [Test]
    public void Acquire_OneTenantOverItsRate_OtherTenantsUnaffected()
    {
        using var harness = new Harness(new QuotaLimits { RequestsPerSecond = SlowRate, Burst = SlowBurst });
        for (var i = 0; i < SlowBurst; i++)
        {
            harness.Limiter.Acquire("noisy", 10, "put");
        }
        Assert.Throws<RateLimitedException>(() => harness.Limiter.Acquire("noisy", 10, "put"));

        for (var i = 0; i < SlowBurst; i++)
        {
            Assert.DoesNotThrow(() => harness.Limiter.Acquire("quiet", 10, "get"), $"quiet request {i}");
        }
    }

    [Test]
    public void Acquire_PerTenantOverride_AppliesToThatTenantOnly()
    {
        var options = new QuotaOptions { Default = new QuotaLimits { RequestsPerSecond = SlowRate, Burst = SlowBurst, BytesPerSecond = 0 } };
        options.Tenants["tight"] = new QuotaLimits { Burst = 1 };
        options.Tenants["free"] = new QuotaLimits { RequestsPerSecond = 0 };
        using var harness = new Harness(options);

        harness.Limiter.Acquire("tight", 1, "put");
        Assert.Throws<RateLimitedException>(() => harness.Limiter.Acquire("tight", 1, "put"), "tight's burst is 1");
        for (var i = 0; i < SlowBurst; i++)
        {
            harness.Limiter.Acquire("default-tenant", 1, "put");
        }
        Assert.Throws<RateLimitedException>(() => harness.Limiter.Acquire("default-tenant", 1, "put"), "the default burst is 3");
        for (var i = 0; i < 1000; i++)
        {
            harness.Limiter.Acquire("free", 1, "put");
        }
        Assert.That(harness.Limiter.TrackedTenants, Is.EqualTo(2), "an unlimited tenant holds no buckets");
    }

    [Test]
    public void Acquire_PastTheByteRate_RateLimitedAndARequestLargerThanTheBurstPassesAlone()
    {
        using var harness = new Harness(new QuotaLimits { RequestsPerSecond = 0, BytesPerSecond = MinBytesPerSecond });

        // Half a bucket takes half a second to come back: far longer than these lines take.
        harness.Limiter.Acquire("a", MinBytesPerSecond, "put");
        var error = Assert.Throws<RateLimitedException>(() => harness.Limiter.Acquire("a", MinBytesPerSecond / 2, "put"))!;
        harness.Limiter.Acquire("b", 10 * MinBytesPerSecond, "put");

        Assert.That(error.Message, Does.Contain($"rate of {MinBytesPerSecond} bytes per second"));
        Assert.That(error.RetryAfter, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromSeconds(0.5)));
        Assert.Throws<RateLimitedException>(() => harness.Limiter.Acquire("b", MinBytesPerSecond / 2, "put"), "the large request took the whole bucket");
    }

    [Test]
    public void Sweep_TenantsIdleForTheEvictionTime_Dropped_ActiveOnesKept()
    {
        using var harness = new Harness(new QuotaLimits { RequestsPerSecond = SlowRate, Burst = SlowBurst }, idleEviction: TimeSpan.FromSeconds(60));
        harness.Limiter.Acquire("idle", 1, "put");
        harness.Time.Advance(TimeSpan.FromSeconds(30));
        harness.Limiter.Acquire("active", 1, "put");
        Assert.That(harness.Limiter.TrackedTenants, Is.EqualTo(2));

        harness.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.That(harness.Limiter.TrackedTenants, Is.EqualTo(1), "the tenant idle for 60 s is dropped by the sweep at 60 s");
        harness.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.That(harness.Limiter.TrackedTenants, Is.EqualTo(0));
    }

    [Test]
    public void Sweep_IdleLessThanItsRefillTime_KeptSoAnEmptyBucketIsNotForgiven()
    {
        // 60 tokens at 1 per second take 60 s to refill; eviction after 2 s must wait for that.
        using var harness = new Harness(new QuotaLimits { RequestsPerSecond = SlowRate, Burst = 60 }, idleEviction: TimeSpan.FromSeconds(2));
        for (var i = 0; i < 60; i++)
        {
            harness.Limiter.Acquire("a", 1, "put");
        }

        harness.Time.Advance(TimeSpan.FromSeconds(10));

        Assert.That(harness.Limiter.TrackedTenants, Is.EqualTo(1));
        Assert.Throws<RateLimitedException>(() => harness.Limiter.Acquire("a", 1, "put"), "still empty: nothing was forgiven");
        harness.Time.Advance(TimeSpan.FromSeconds(61));
        Assert.That(harness.Limiter.TrackedTenants, Is.EqualTo(0));
    }

    private sealed class Harness : IDisposable
    {
        private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

        public Harness(QuotaLimits defaults, TimeSpan? idleEviction = null)
            : this(new QuotaOptions { Default = defaults, IdleEviction = idleEviction ?? TimeSpan.FromMinutes(1) })
        {
        }

        public Harness(QuotaOptions options)
        {
            Metrics = new QuotaMetrics(_services.GetRequiredService<IMeterFactory>());
            var wrapped = MsOptions.Create(options);
            Limiter = new TenantRateLimiter(new TenantQuotas(wrapped), wrapped, Metrics, Time, NullLogger<TenantRateLimiter>.Instance);
        }

        public FakeTimeProvider Time { get; } = new();

        public QuotaMetrics Metrics { get; }

        public TenantRateLimiter Limiter { get; }

        public CounterRecorder Counter(string name) => new(_services.GetRequiredService<IMeterFactory>(), name);

        public void Dispose()
        {
            Limiter.Dispose();
            _services.Dispose();
        }
    }
}
