using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PairDb.Coordinator.Data;

namespace PairDb.Coordinator.Health;

/// <summary>The coordinator serves (grpc.health.v1) only while its metadata database answers.</summary>
public sealed class MetadataHealthCheck : IHealthCheck
{
    private readonly IDbContextFactory<PairDbContext> _contexts;

    public MetadataHealthCheck(IDbContextFactory<PairDbContext> contexts)
    {
        _contexts = contexts;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        return await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy("metadata database reachable")
            : HealthCheckResult.Unhealthy("metadata database unreachable");
    }
}
