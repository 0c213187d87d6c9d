using Microsoft.Extensions.Diagnostics.HealthChecks;
using PairDb.Coordinator.Data;

namespace PairDb.Coordinator.Health;

/// <summary>
/// grpc.health.v1: the coordinator serves data with or without its metadata database, so an outage is Degraded
/// (which grpc.health.v1 reports as SERVING), never Unhealthy: the data path runs on the ring in memory.
/// </summary>
public sealed class MetadataHealthCheck(MetadataAvailability availability) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(availability.UnavailableSince is { } since
            ? HealthCheckResult.Degraded($"metadata database unreachable since {since:O}; serving data from the ring in memory")
            : HealthCheckResult.Healthy("metadata database reachable"));
}
