using PairDb.Coordinator.Telemetry;

namespace PairDb.Coordinator.Cleanup;

public static class CleanupRegistration
{
    /// <summary>The range cleanup service and its parts (the job itself is scheduled by the job registrar).</summary>
    public static IServiceCollection AddCleanup(this IServiceCollection services)
    {
        services.AddSingleton<CleanupMetrics>();
        services.AddSingleton<CleanupStore>();
        services.AddSingleton<CleanupNodeCalls>();
        services.AddSingleton<QuorumVerifier>();
        services.AddSingleton<RangeCleanupService>();
        return services;
    }
}
