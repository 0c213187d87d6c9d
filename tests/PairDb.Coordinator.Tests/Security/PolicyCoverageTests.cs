using Microsoft.AspNetCore.Routing;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Tests.Support;
using PairDb.Hosting.Security;

namespace PairDb.Coordinator.Tests.Security;

/// <summary>Deny by default: every endpoint the running coordinator serves names who may call it.</summary>
public sealed class PolicyCoverageTests
{
    [Test]
    public async Task RunningCoordinator_EveryGrpcMethodAndHttpRoute_NamesAPairDbPolicy()
    {
        await using var database = await MetadataDatabase.CreateAsync();
        await using var coordinator = await InProcessCoordinator.StartAsync(database.ConnectionString);
        var endpoints = coordinator.Services.GetRequiredService<EndpointDataSource>().Endpoints;
        var names = endpoints.Select(e => e.DisplayName ?? "").ToList();

        Assert.Multiple(() =>
        {
            Assert.That(PolicyCoverage.Uncovered(endpoints), Is.Empty, "endpoints without a pairdb policy");
            // The enumeration saw the whole surface, not an empty list: every RPC of both services, the admin API, health, metrics.
            foreach (var method in KeyValueService.Descriptor.Methods.Concat(CoordinatorService.Descriptor.Methods))
            {
                Assert.That(names, Has.Some.Contains($"/{method.Service.FullName}/{method.Name}"), method.FullName);
            }
            Assert.That(names, Has.Some.Contains("/api/v1/nodes"));
            Assert.That(names, Has.Some.Contains("/metrics"));
            Assert.That(names, Has.Some.Contains("/grpc.health.v1.Health/Check"));
            Assert.That(names, Has.Some.Contains("ServerReflectionInfo"));
        });
    }

    [Test]
    public async Task RunningCoordinator_KeyValueTenantOnly_ReplicaPeersAlsoMembers_LivenessAnonymous()
    {
        await using var database = await MetadataDatabase.CreateAsync();
        await using var coordinator = await InProcessCoordinator.StartAsync(database.ConnectionString);
        var endpoints = coordinator.Services.GetRequiredService<EndpointDataSource>().Endpoints;
        IReadOnlyList<string> Policies(string nameEnd) => PolicyCoverage.PoliciesOf(endpoints.Single(e => e.DisplayName?.EndsWith(nameEnd, StringComparison.Ordinal) == true));

        Assert.Multiple(() =>
        {
            Assert.That(Policies("/pairdb.KeyValueService/Put"), Is.EqualTo(new[] { PairDbPolicies.Tenant }));
            Assert.That(Policies("/pairdb.CoordinatorService/RemoveStorageNode"), Is.EqualTo(new[] { PairDbPolicies.Operator }));
            Assert.That(Policies("/pairdb.CoordinatorService/GetReplicaPeers"), Is.EqualTo(new[] { PairDbPolicies.OperatorOrMember }));
            Assert.That(Policies("/health/live"), Is.EqualTo(new[] { PairDbPolicies.Anonymous }));
        });
    }
}
