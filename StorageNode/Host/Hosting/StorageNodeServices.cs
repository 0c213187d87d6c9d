using Grpc.AspNetCore.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using PairDb.Contracts.Validation;
using PairDb.Engine;
using PairDb.Hosting.Grpc;
using PairDb.StorageNode.Configuration;
using PairDb.StorageNode.Data;
using PairDb.StorageNode.Disk;
using PairDb.StorageNode.Identity;
using PairDb.StorageNode.Rpc;
using PairDb.StorageNode.Metrics;
using PairDb.StorageNode.Streaming;

namespace PairDb.StorageNode.Hosting;

/// <summary>The storage node's composition: options, engine, data path, disk manager, metrics, gRPC.</summary>
public static class StorageNodeServices
{
    public const string ValidationSection = NodeOptions.SectionName + ":Validation";

    public static IServiceCollection AddStorageNode(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NodeOptions>().Bind(configuration.GetSection(NodeOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>();
        services.AddOptions<StorageEngineOptions>().Bind(configuration.GetSection(StorageEngineOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageEngineOptions>, StorageEngineOptionsValidator>();
        services.AddOptions<DiskOptions>().Bind(configuration.GetSection(DiskOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DiskOptions>, DiskOptionsValidator>();
        services.AddOptions<ValidationOptions>().Bind(configuration.GetSection(ValidationSection)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ValidationOptions>, ValidationOptionsValidator>();
        services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o =>
            o.ShutdownTimeout = configuration.GetSection(NodeOptions.SectionName).Get<NodeOptions>()?.ShutdownTimeout ?? TimeSpan.FromSeconds(30));

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => LsmEngine.Open(sp.GetRequiredService<IOptions<StorageEngineOptions>>().Value.ToEngineOptions(
            sp.GetRequiredService<IOptions<NodeOptions>>().Value.DataDirectory,
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton<KeyLocks>();
        services.AddSingleton<TenantUsageScanner>();
        services.AddSingleton(sp => NodeIdentity.Open(
            sp.GetRequiredService<IOptions<NodeOptions>>().Value.DataDirectory,
            sp.GetRequiredService<IOptions<NodeOptions>>().Value.NodeId,
            Engine.IO.PhysicalFileSystem.Instance,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<NodeIdentity>()));
        services.AddSingleton(sp => new VersionedStore(
            sp.GetRequiredService<LsmEngine>(),
            sp.GetRequiredService<KeyLocks>(),
            sp.GetRequiredService<NodeIdentity>(),
            sp.GetRequiredService<IOptions<ValidationOptions>>().Value.MaxContextEntries,
            sp.GetRequiredService<TimeProvider>())
        {
            MaxContextCounterLead = sp.GetRequiredService<IOptions<ValidationOptions>>().Value.MaxContextCounterLead,
            Limits = sp.GetRequiredService<ObjectLimits>(),
        });
        services.AddSingleton(sp => new ObjectLimits(
            sp.GetRequiredService<IOptions<ValidationOptions>>().Value,
            sp.GetRequiredService<StorageNodeMetrics>(),
            sp.GetRequiredService<ILogger<ObjectLimits>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new RequestValidator(sp.GetRequiredService<IOptions<ValidationOptions>>().Value));
        services.AddSingleton(sp => new StorageNodeMetrics(
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<IOptions<NodeOptions>>().Value.NodeId,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<EngineMetrics>();
        services.AddSingleton<Admin.AdminOperations>();
        services.AddSingleton(sp => new DiskManager(
            sp.GetRequiredService<IOptionsMonitor<DiskOptions>>(),
            sp.GetRequiredService<IOptions<NodeOptions>>().Value.DataDirectory,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DiskManager>>(),
            sp.GetRequiredService<StorageNodeMetrics>(),
            EngineHeadroom(sp.GetRequiredService<IOptions<StorageEngineOptions>>().Value)));
        services.AddSingleton<ReadOnlyRecovery>();
        services.AddHostedService<DiskMonitorService>();
        services.AddSingleton<NodeMode>();
        services.AddSingleton<WriteAdmission>();
        services.AddSingleton<RequestChecks>();
        services.AddOptions<StreamingOptions>().Bind(configuration.GetSection(StreamingOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StreamingOptions>, StreamingOptionsValidator>();
        services.AddSingleton<NodeChannels>();
        services.AddSingleton<StreamingMetrics>();
        services.AddSingleton<RangeStreamSource>();
        services.AddSingleton<RangePuller>();
        services.AddSingleton<RangeCoverageChecker>();
        services.AddSingleton<StreamingServices>();
        services.AddSingleton<Recovery.ReplicaRestorer>();

        // The one message budget of the cluster, derived from the validation limits (ValidationOptions.MaxMessageBytes).
        var maxMessage = (configuration.GetSection(ValidationSection).Get<ValidationOptions>() ?? new ValidationOptions()).MaxMessageBytes;
        services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = maxMessage;
            o.MaxSendMessageSize = maxMessage;
            // Every service: whatever escapes a handler leaves as a pairdb error (INTERNAL with ErrorInfo at worst).
            o.Interceptors.Add<ErrorInterceptor>();
        });
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks().AddCheck<StorageHealthCheck>("storage");
        services.Configure<GrpcHealthChecksOptions>(o =>
            o.Services.Map(Contracts.Grpc.StorageService.Descriptor.FullName, _ => true));

        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MetricNames.MeterName)
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    /// <summary>The engine's <see cref="DiskOptions.EngineHeadroom"/> under its configured sizes.</summary>
    public static long EngineHeadroom(StorageEngineOptions engine) =>
        DiskOptions.EngineHeadroom(engine.CommitLogSegmentBytes, engine.MemtableSizeBytes, engine.Compaction.Level0Trigger, engine.Compaction.TargetFileSizeBytes);
}

/// <summary>
/// grpc.health.v1: SERVING while writes are taken; NOT_SERVING in maintenance, with the disk circuit breaker engaged,
/// or with the engine read-only after a failed write to disk (reads still work). Coordinators mark a NOT_SERVING node
/// DOWN, so its writes become hints and hint replays wait until it serves again.
/// </summary>
public sealed class StorageHealthCheck(NodeMode mode, DiskManager disk, LsmEngine engine) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            mode.InMaintenance ? HealthCheckResult.Unhealthy("maintenance mode")
            : engine.WriteFailure is { } failure ? HealthCheckResult.Unhealthy($"storage engine read-only: {failure}")
            : disk.Status.IsCircuitBroken ? HealthCheckResult.Unhealthy("disk circuit breaker engaged")
            : HealthCheckResult.Healthy());
}
