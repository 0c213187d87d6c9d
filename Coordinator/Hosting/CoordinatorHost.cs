using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using PairDb.Contracts.Validation;
using PairDb.Hosting;
using PairDb.Hosting.Grpc;
using PairDb.Hosting.Security;
using PairDb.Coordinator.Api.Grpc;
using PairDb.Coordinator.Api.Http;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Health;
using PairDb.Coordinator.Nodes;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Security;
using PairDb.Coordinator.Telemetry;
using PairDb.Coordinator.Topology;

namespace PairDb.Coordinator.Hosting;

/// <summary>Builds the coordinator web application: options, services, ports, endpoints.</summary>
public static partial class CoordinatorHost
{
    /// <summary>Request validation limits for KeyValueService (key, value, context sizes; trusted clients).</summary>
    public const string ValidationSection = CoordinatorHostOptions.Section + ":Validation";

    /// <summary>The switch that applies migrations before serving.</summary>
    public const string MigrateSwitch = "--migrate";

    public static WebApplication Build(string[] args)
    {
        var configArgs = SecurityServices.MapInsecureSwitch(Array.FindAll(args, a => a != MigrateSwitch));
        var builder = WebApplication.CreateBuilder(configArgs);
        ConfigureOptions(builder);
        var security = ConfigureKestrel(builder);
        builder.Services.AddPairDbSecurity(security, (context, status, code, message) => HttpErrors.Error(status, code, message).ExecuteAsync(context));
        ConfigureServices(builder.Services);
        ConfigureDataPath(builder.Services, builder.Configuration);
        ConfigureTopology(builder.Services, builder.Configuration);
        builder.Services.AddTenantApiKeys(builder.Configuration);
        var app = builder.Build();
        // Who may call each method: attributes on the services (operators, members, tenants); deny by default.
        app.MapGrpcService<CoordinatorGrpcService>().AllowUnimplementedAnonymously();
        app.MapGrpcService<KeyValueGrpcService>().AllowUnimplementedAnonymously();
        app.MapGrpcReflectionService().RequireAuthorization(PairDbPolicies.Operator);
        app.MapGrpcHealthChecksService().RequireAuthorization(PairDbPolicies.Anonymous);
        app.MapNodeEndpoints();
        app.MapRebalanceEndpoints();
        app.MapTenantEndpoints();
        app.MapHealthEndpoints();
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(PairDbPolicies.OperatorOrMember);
        return app;
    }

    /// <summary>Starts, then serves until shut down (SIGTERM, Ctrl+C).</summary>
    public static async Task RunAsync(WebApplication app, bool migrate)
    {
        await StartAsync(app, migrate);
        await app.WaitForShutdownAsync();
    }

    /// <summary>Logs the effective options, migrates when asked, loads the ring, then starts serving.</summary>
    public static async Task StartAsync(WebApplication app, bool migrate, CancellationToken cancellationToken = default)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PairDb.Coordinator");
        var metadata = app.Services.GetRequiredService<IOptions<MetadataOptions>>().Value;
        LogOptions(logger, app.Services, metadata);
        await LoadRingAsync(app.Services, logger, migrate, metadata.ConnectionString, cancellationToken);
        _ = app.Services.GetRequiredService<CoordinatorMetrics>();
        _ = app.Services.GetRequiredService<ClockMetrics>();
        await app.StartAsync(cancellationToken);
        await AwaitJobsAsync(app.Services, logger, cancellationToken);
    }

    private static void ConfigureOptions(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddOptions<CoordinatorHostOptions>().Bind(configuration.GetSection(CoordinatorHostOptions.Section)).ValidateOnStart();
        services.AddOptions<RingOptions>().Bind(configuration.GetSection(RingOptions.Section)).ValidateOnStart();
        services.AddOptions<HealthProbeOptions>().Bind(configuration.GetSection(HealthProbeOptions.Section)).ValidateOnStart();
        services.AddOptions<MetadataOptions>()
            .Configure(o => o.ConnectionString = configuration.GetConnectionString(MetadataOptions.ConnectionStringName)
                ?? Environment.GetEnvironmentVariable(MetadataOptions.EnvironmentVariable) ?? "")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<CoordinatorHostOptions>, CoordinatorHostOptionsValidator>();
        services.AddSingleton<IValidateOptions<RingOptions>, RingOptionsValidator>();
        services.AddSingleton<IValidateOptions<HealthProbeOptions>, HealthProbeOptionsValidator>();
        services.AddOptions<ClockOptions>().Bind(configuration.GetSection(ClockOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClockOptions>, ClockOptionsValidator>();
        services.AddSingleton<IValidateOptions<MetadataOptions>, MetadataOptionsValidator>();
        services.AddOptions<MetadataProbeOptions>().Bind(configuration.GetSection(MetadataProbeOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetadataProbeOptions>, MetadataProbeOptionsValidator>();
        services.AddOptions<ReplicationOptions>().Bind(configuration.GetSection(ReplicationOptions.Section)).ValidateOnStart();
        services.AddOptions<HintOptions>().Bind(configuration.GetSection(HintOptions.Section)).ValidateOnStart();
        services.AddOptions<ValidationOptions>().Bind(configuration.GetSection(ValidationSection)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReplicationOptions>, ReplicationOptionsValidator>();
        services.AddSingleton<IValidateOptions<HintOptions>, HintOptionsValidator>();
        services.AddSingleton<IValidateOptions<ValidationOptions>, ValidationOptionsValidator>();
        services.AddSingleton<IValidateOptions<ValidationOptions>, BatchCapsValidator>();
        services.AddOptions<TenantOptions>().Bind(configuration.GetSection(TenantOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TenantOptions>, TenantOptionsValidator>();
    }

    /// <summary>
    /// Two ports (DESIGN.md 7), each serving both gRPC and the HTTP admin API, told apart by the
    /// connection's first bytes: the runbook reaches the coordinator's admin API with curl on the same
    /// port 8080 it uses for grpcurl. The ports are needed before the container exists, so they are
    /// read and validated here, and so is the security mode (TLS on both ports, or cleartext).
    /// </summary>
    private static HostSecurity ConfigureKestrel(WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(CoordinatorHostOptions.Section).Get<CoordinatorHostOptions>() ?? new CoordinatorHostOptions();
        var result = new CoordinatorHostOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(CoordinatorHostOptions.Section, typeof(CoordinatorHostOptions), result.Failures);
        }
        var security = HostSecurity.Resolve(SecurityServices.ReadOptions(builder.Configuration), options.ListenAddress);
        var address = IPAddress.Parse(options.ListenAddress);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, options.GrpcPort, listen => listen.UseHostSecurity(security, HttpProtocols.Http1AndHttp2));
            kestrel.Listen(address, options.HttpPort, listen => listen.UseHostSecurity(security, HttpProtocols.Http1AndHttp2));
        });
        return security;
    }

    private static void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddPooledDbContextFactory<PairDbContext>((provider, db) =>
            PairDbContext.Configure(db, provider.GetRequiredService<IOptions<MetadataOptions>>().Value.ConnectionString));
        services.AddSingleton<RingProvider>();
        services.AddSingleton<Ring.Snapshots.RingSnapshotStore>();
        services.AddSingleton<MetadataAvailability>();
        services.AddSingleton<MetadataProbe>();
        services.AddHostedService(provider => provider.GetRequiredService<MetadataProbe>());
        services.AddSingleton<NodeRegistry>();
        services.AddSingleton<NodeLiveness>();
        services.AddSingleton<NodeIdentities>();
        services.AddSingleton<NodeIdentifier>();
        services.AddSingleton<NodeChannelPool>();
        services.AddSingleton<CoordinatorMetrics>();
        services.AddSingleton<Clock.ClusterClock>();
        services.AddSingleton<ClockMetrics>();
        services.AddSingleton<NodeHealthProber>();
        services.AddHostedService(provider => provider.GetRequiredService<NodeHealthProber>());
        services.AddHostedService<TopologyRefresher>();

        // Every service: whatever escapes a handler leaves as a pairdb error (INTERNAL with ErrorInfo at worst).
        services.AddGrpc(o => o.Interceptors.Add<ErrorInterceptor>());
        // The one message budget of the cluster, derived from the validation limits (ValidationOptions.MaxMessageBytes).
        services.AddOptions<Grpc.AspNetCore.Server.GrpcServiceOptions>().Configure<IOptions<ValidationOptions>>((grpc, validation) =>
        {
            grpc.MaxReceiveMessageSize = validation.Value.MaxMessageBytes;
            grpc.MaxSendMessageSize = validation.Value.MaxMessageBytes;
        });
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks().AddCheck<MetadataHealthCheck>("metadata");
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(CoordinatorMetrics.MeterName)
            .AddPrometheusExporter());
    }
}
