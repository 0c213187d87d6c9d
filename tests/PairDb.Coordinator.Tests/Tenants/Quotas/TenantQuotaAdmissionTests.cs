using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PairDb.Contracts.Errors;
using PairDb.Coordinator.Api.Admission;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Telemetry;
using PairDb.Coordinator.Tenants.Quotas;
using PairDb.Coordinator.Tests.Support;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace PairDb.Coordinator.Tests.Tenants.Quotas;

/// <summary>The stored-bytes quota as the data path applies it: puts refused at the quota, deletes and reads never.</summary>
public sealed class TenantQuotaAdmissionTests
{
    private const long Quota = 1000;

    [Test]
    public void AdmitPut_TenantAtItsStoredBytesQuota_QuotaExceededNotRetriableAndCounted()
    {
        using var harness = new Harness();
        using var exceeded = harness.Counter(QuotaMetrics.TenantQuotaExceededTotal);
        harness.Stored.Publish(new Dictionary<string, long> { ["full"] = Quota, ["roomy"] = Quota - 1 });

        var error = Assert.Throws<PairDbException>(() => harness.Admission.AdmitPut("full", 10, "put"))!;

        Assert.That(error.Code, Is.EqualTo(ErrorCode.QuotaExceeded));
        Assert.That(error.Retriable, Is.False);
        Assert.That(error.Message, Does.Contain("tenant 'full' stores 1000 bytes, at or over its quota of 1000"));
        Assert.That(exceeded.Total, Is.EqualTo(1));
        Assert.DoesNotThrow(() => harness.Admission.AdmitPut("roomy", 10, "put"), "a tenant under its quota writes");
        Assert.DoesNotThrow(() => harness.Admission.AdmitPut("unknown", 10, "put"), "a tenant storing nothing writes");
    }

    [Test]
    public void AdmitReadOrDelete_TenantOverItsQuota_Admitted()
    {
        using var harness = new Harness();
        harness.Stored.Publish(new Dictionary<string, long> { ["full"] = 10 * Quota });

        Assert.DoesNotThrow(() => harness.Admission.AdmitReadOrDelete("full", 10, "delete"));
        Assert.DoesNotThrow(() => harness.Admission.AdmitReadOrDelete("full", 10, "get"));
    }

    [Test]
    public void AdmitPut_TenantWithAnUnlimitedOverride_NeverQuotaExceeded()
    {
        using var harness = new Harness();
        harness.Stored.Publish(new Dictionary<string, long> { ["unlimited"] = 10 * Quota });

        Assert.DoesNotThrow(() => harness.Admission.AdmitPut("unlimited", 10, "put"));
    }

    private sealed class Harness : IDisposable
    {
        private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        private readonly TenantRateLimiter _rates;

        public Harness()
        {
            var options = new QuotaOptions { Default = new QuotaLimits { StoredBytes = Quota } };
            options.Tenants["unlimited"] = new QuotaLimits { StoredBytes = 0 };
            var wrapped = MsOptions.Create(options);
            var metrics = new QuotaMetrics(_services.GetRequiredService<IMeterFactory>());
            var quotas = new TenantQuotas(wrapped);
            var time = new FakeTimeProvider();
            _rates = new TenantRateLimiter(quotas, wrapped, metrics, time, NullLogger<TenantRateLimiter>.Instance);
            Stored = new TenantStoredBytes(metrics);
            Admission = new TenantQuotaAdmission(_rates, quotas, Stored, metrics, time, NullLogger<TenantQuotaAdmission>.Instance);
        }

        public TenantStoredBytes Stored { get; }

        public TenantQuotaAdmission Admission { get; }

        public CounterRecorder Counter(string name) => new(_services.GetRequiredService<IMeterFactory>(), name);

        public void Dispose()
        {
            _rates.Dispose();
            _services.Dispose();
        }
    }
}
