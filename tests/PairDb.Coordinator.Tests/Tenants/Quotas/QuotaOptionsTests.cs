using Microsoft.Extensions.Configuration;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Tenants.Quotas;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace PairDb.Coordinator.Tests.Tenants.Quotas;

public sealed class QuotaOptionsTests
{
    [Test]
    public void Of_NothingConfigured_GenerousRatesAndNoStoredBytesQuota()
    {
        var quotas = new TenantQuotas(MsOptions.Create(new QuotaOptions()));

        Assert.That(quotas.Of("anyone"), Is.EqualTo(new TenantQuota(5000, 5000, 64 * 1024 * 1024, 0)));
    }

    [Test]
    public void Of_TenantOverride_OverridesItsSettingsAndKeepsTheDefaultForTheOthers()
    {
        var quotas = new TenantQuotas(MsOptions.Create(Bind(new()
        {
            ["PairDb:Quotas:Default:RequestsPerSecond"] = "1000",
            ["PairDb:Quotas:Default:Burst"] = "1500",
            ["PairDb:Quotas:Default:StoredBytes"] = "1000000",
            ["PairDb:Quotas:Tenants:noisy:RequestsPerSecond"] = "10",
            ["PairDb:Quotas:Tenants:big:StoredBytes"] = "0",
            ["PairDb:Quotas:Tenants:big:BytesPerSecond"] = "1048576",
        })));

        Assert.Multiple(() =>
        {
            Assert.That(quotas.Of("other"), Is.EqualTo(new TenantQuota(1000, 1500, 64 * 1024 * 1024, 1_000_000)));
            Assert.That(quotas.Of("noisy"), Is.EqualTo(new TenantQuota(10, 10, 64 * 1024 * 1024, 1_000_000)),
                "a rate override without a burst gets one second of its own rate");
            Assert.That(quotas.Of("big"), Is.EqualTo(new TenantQuota(1000, 1500, 1024 * 1024, 0)), "0 = unlimited overrides the default quota");
        });
    }

    [Test]
    public void Validate_BadSettings_NamesTheFullKeys()
    {
        var options = Bind(new()
        {
            ["PairDb:Quotas:Default:RequestsPerSecond"] = "-1",
            ["PairDb:Quotas:Tenants:t1:BytesPerSecond"] = "1000",
            ["PairDb:Quotas:Tenants:t1:Burst"] = "0",
            ["PairDb:Quotas:Tenants:bad.tenant:StoredBytes"] = "-5",
            ["PairDb:Quotas:IdleEviction"] = "00:00:00.5",
        });

        var result = new QuotaOptionsValidator().Validate(null, options);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.Failures, Has.Some.StartsWith("PairDb:Quotas:Default:RequestsPerSecond -1 must be 0 (unlimited) or more"));
        Assert.That(result.Failures, Has.Some.StartsWith("PairDb:Quotas:Tenants:t1:BytesPerSecond 1000 must be 0 (unlimited) or at least 64 KiB"));
        Assert.That(result.Failures, Has.Some.StartsWith("PairDb:Quotas:Tenants:t1:Burst 0 must be at least 1"));
        Assert.That(result.Failures, Has.Some.StartsWith("PairDb:Quotas:Tenants:bad.tenant: 'bad.tenant' is not a tenant id"));
        Assert.That(result.Failures, Has.Some.StartsWith("PairDb:Quotas:Tenants:bad.tenant:StoredBytes -5 must be 0 (unlimited) or more"));
        Assert.That(result.Failures, Has.Some.StartsWith("PairDb:Quotas:IdleEviction 00:00:00.5000000 must be at least 00:00:01"));
    }

    [Test]
    public void Validate_Defaults_Succeeds() =>
        Assert.That(new QuotaOptionsValidator().Validate(null, new QuotaOptions()).Succeeded, Is.True);

    internal static QuotaOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new QuotaOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(QuotaOptions.Section).Bind(options);
        return options;
    }
}
