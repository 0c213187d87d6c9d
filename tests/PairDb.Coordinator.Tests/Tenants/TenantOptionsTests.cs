using Microsoft.Extensions.Configuration;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Tenants;

namespace PairDb.Coordinator.Tests.Tenants;

public sealed class TenantOptionsTests
{
    [Test]
    public void ConflictModes_FromConfiguration_ConfiguredTenantsOthersSiblings()
    {
        var modes = new TenantConflictModes(Microsoft.Extensions.Options.Options.Create(Bind(new()
        {
            ["PairDb:Tenants:ConflictModes:cache-tenant"] = "LastWriterWins",
            ["PairDb:Tenants:ConflictModes:orders"] = "siblings",
        })));

        Assert.Multiple(() =>
        {
            Assert.That(modes.ModeOf("cache-tenant"), Is.EqualTo(ConflictMode.LastWriterWins));
            Assert.That(modes.ModeOf("orders"), Is.EqualTo(ConflictMode.Siblings));
            Assert.That(modes.ModeOf("anyone-else"), Is.EqualTo(ConflictMode.Siblings));
            Assert.That(modes.Describe(), Is.EqualTo("cache-tenant=LastWriterWins"));
        });
    }

    [Test]
    public void Validate_UnknownModeAndBadTenant_NamesTheFullKeys()
    {
        var options = Bind(new()
        {
            ["PairDb:Tenants:ConflictModes:t1"] = "Newest",
            ["PairDb:Tenants:ConflictModes:bad.tenant"] = "LastWriterWins",
        });

        var result = new TenantOptionsValidator().Validate(null, options);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.Failures, Has.Some.StartsWith("PairDb:Tenants:ConflictModes:t1 'Newest' must be Siblings or LastWriterWins"));
        Assert.That(result.Failures, Has.Some.StartsWith("PairDb:Tenants:ConflictModes:bad.tenant: 'bad.tenant' is not a tenant id"));
    }

    [Test]
    public void Validate_Defaults_Succeeds() =>
        Assert.That(new TenantOptionsValidator().Validate(null, new TenantOptions()).Succeeded, Is.True);

    private static TenantOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new TenantOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(TenantOptions.Section).Bind(options);
        return options;
    }
}
