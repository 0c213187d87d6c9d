using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using OpenTelemetry.Metrics;
using PairDb.Hosting.Security;
using PairDb.StorageNode.Admin;
using PairDb.StorageNode.Rpc;

namespace PairDb.StorageNode.Hosting;

/// <summary>
/// Every endpoint of the serving node and who may call it (security contract): the internal plane (StorageService:
/// data, streaming, recovery) members only, the admin API operators only, /health and /metrics both, liveness,
/// readiness and grpc.health.v1 anyone.
/// </summary>
public static class NodeEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGrpcService<StorageGrpcService>().RequireAuthorization(PairDbPolicies.Member);
        app.MapGrpcReflectionService().RequireAuthorization(PairDbPolicies.Operator);
        app.MapGrpcHealthChecksService().RequireAuthorization(PairDbPolicies.Anonymous);
        HealthEndpoints.Map(app);
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(PairDbPolicies.OperatorOrMember);
        var api = app.MapGroup("/api/v1").RequireAuthorization(PairDbPolicies.Operator);
        api.MapPrometheusScrapingEndpoint("/metrics");
        MaintenanceEndpoints.Map(api);
        DiskEndpoints.Map(api);
        CommitLogEndpoints.Map(api);
        StorageEndpoints.Map(api);
        IntegrityEndpoints.Map(api);
        IntegrityScanEndpoints.Map(api);
        CompactionEndpoints.Map(api);
        CacheEndpoints.Map(api);
        DataEndpoints.Map(api);
        RecoveryEndpoints.Map(api);
        IdentityEndpoints.Map(api);
    }
}
