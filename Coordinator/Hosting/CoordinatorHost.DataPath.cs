using Microsoft.Extensions.Options;
using PairDb.Contracts.Validation;
using PairDb.Coordinator.Api.Admission;
using PairDb.Coordinator.Jobs;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Replication;
using PairDb.Coordinator.Replication.Hints;
using PairDb.Coordinator.Replication.Hints.Spool;
using PairDb.Coordinator.Telemetry;
using PairDb.Coordinator.Tenants;
using PairDb.Coordinator.Tenants.Quotas;

namespace PairDb.Coordinator.Hosting;

public static partial class CoordinatorHost
{
    /// <summary>The quorum path, hinted handoff and their Quartz jobs.</summary>
    private static void ConfigureDataPath(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => new RequestValidator(sp.GetRequiredService<IOptions<ValidationOptions>>().Value));
        services.AddSingleton<ReplicationMetrics>();
        services.AddSingleton<TenantConflictModes>();
        services.AddOptions<AdmissionOptions>().Bind(configuration.GetSection(AdmissionOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdmissionOptions>, AdmissionOptionsValidator>();
        services.AddSingleton<OverloadMetrics>();
        services.AddSingleton<InFlightLimiter>();
        services.AddOptions<QuotaOptions>().Bind(configuration.GetSection(QuotaOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<QuotaOptions>, QuotaOptionsValidator>();
        services.AddSingleton<QuotaMetrics>();
        services.AddSingleton<TenantQuotas>();
        services.AddSingleton<TenantRateLimiter>();
        services.AddSingleton<TenantStoredBytes>();
        services.AddSingleton<TenantQuotaAdmission>();
        services.AddHostedService<TenantUsagePoller>();
        services.AddSingleton<NodePipelineRegistry>();
        services.AddSingleton<ReplicaClients>();
        services.AddSingleton<ReplicaPlacement>();
        services.AddSingleton<PendingWrites>();
        services.AddSingleton<QuorumWriter>();
        services.AddSingleton<QuorumReader>();
        services.AddSingleton<ReadRepairer>();
        services.AddSingleton<HintDatabase>();
        services.AddSingleton<HintBacklog>();
        services.AddSingleton<HintSpoolMetrics>();
        services.AddSingleton(provider => new HintSpool(
            Path.Combine(provider.GetRequiredService<IOptions<CoordinatorHostOptions>>().Value.StateDirectory, HintSpool.DirectoryName),
            provider.GetRequiredService<IOptions<HintOptions>>().Value.SpoolMaxBytes,
            provider.GetRequiredService<HintSpoolMetrics>(), provider.GetRequiredService<ILogger<HintSpool>>()));
        services.AddSingleton<HintWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<HintWriter>());
        services.AddSingleton<HintReplayer>();
        services.AddHostedService<HintSpoolMover>();
        services.AddCoordinatorJobs(configuration);
    }
}
