using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PairDb.StorageNode.Refusal;

/// <summary>grpc.health.v1 on a refused node: NOT_SERVING, with the reason as the check's description.</summary>
public sealed class NotServingHealthCheck(RefusalState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Unhealthy(state.Reason));
}
