using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using PairDb.Contracts.Grpc;
using PairDb.Hosting.Security;
using PairDb.StorageNode.Admin;
using PairDb.StorageNode.Hosting;

namespace PairDb.StorageNode.Tests.Security;

/// <summary>Deny by default: every endpoint the storage node maps names who may call it.</summary>
public sealed class PolicyCoverageTests
{
    [Test]
    public async Task NodeHost_EveryGrpcMethodAndHttpRoute_NamesAPairDbPolicy()
    {
        var directory = Directory.CreateTempSubdirectory("pairdb-policy-").FullName;
        try
        {
            // The node's own composition and endpoint map (as Program builds it), enumerated without binding ports.
            var builder = NodeHostBuilder.Create(["--PairDb:StorageNode:NodeId=policy-node", "--PairDb:StorageNode:DataDirectory=" + directory]);
            builder.Services.AddStorageNode(builder.Configuration);
            builder.Services.AddPairDbSecurity(KestrelEndpoints.ResolveSecurity(builder.Configuration), AdminErrors.WriteAsync);
            await using var app = builder.Build();
            NodeEndpoints.Map(app);
            var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).ToList();
            var names = endpoints.Select(e => e.DisplayName ?? "").ToList();

            Assert.Multiple(() =>
            {
                Assert.That(PolicyCoverage.Uncovered(endpoints), Is.Empty, "endpoints without a pairdb policy");
                foreach (var method in StorageService.Descriptor.Methods)
                {
                    Assert.That(names, Has.Some.Contains($"/{method.Service.FullName}/{method.Name}"), method.FullName);
                }
                Assert.That(names, Has.Some.Contains("/api/v1/data/clear-all"));
                Assert.That(names, Has.Some.Contains("/health/ready"));
                Assert.That(PolicyCoverage.PoliciesOf(endpoints.Single(e => e.DisplayName!.EndsWith("/pairdb.StorageService/ClearAll", StringComparison.Ordinal))),
                    Is.EqualTo(new[] { PairDbPolicies.Member }));
                Assert.That(PolicyCoverage.PoliciesOf(endpoints.Single(e => e.DisplayName!.Contains("/api/v1/data/clear-all", StringComparison.Ordinal))),
                    Is.EqualTo(new[] { PairDbPolicies.Operator }));
            });
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
