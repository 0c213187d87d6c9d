using Grpc.AspNetCore.HealthChecks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using PairDb.Engine;
using PairDb.Hosting.Grpc;
using PairDb.Hosting.Security;
using PairDb.StorageNode.Configuration;
using PairDb.StorageNode.Hosting;
using PairDb.StorageNode.Metrics;

namespace PairDb.StorageNode.Refusal;

/// <summary>
/// The storage node when its engine refused to open (<see cref="ManifestUnavailableException"/>): rather than exit
/// (and be restarted in a loop by a supervisor, or look merely dead to the cluster), the process stays up on its
/// usual ports so that operators and the coordinators see why. A small host of its own, so that nothing of the
/// serving node (which needs an open engine everywhere) has to learn about a missing one: health endpoints
/// (unhealthy, with the reason), grpc.health.v1 NOT_SERVING, every StorageService call and admin path
/// NODE_NOT_READY, and the quarantine action.
/// </summary>
public static class RefusedNode
{
    public static async Task<RefusedNodeOutcome> RunAsync(string[] args, NodeOptions node, StorageEngineOptions engine, ManifestUnavailableException refusal, HostSecurity security)
    {
        var builder = NodeHostBuilder.Create(args);
        builder.WebHost.ConfigureKestrel((context, kestrel) => KestrelEndpoints.Configure(kestrel, node, context.Configuration, security));
        builder.Services.AddPairDbSecurity(security, Admin.AdminErrors.WriteAsync);
        builder.Services.AddSingleton(sp => new RefusalState(
            node.NodeId,
            refusal,
            engine.ToEngineOptions(node.DataDirectory, sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>(), TimeProvider.System)));
        builder.Services.AddGrpc(o => o.Interceptors.Add<ErrorInterceptor>()).AddServiceOptions<RefusedStorageService>(o => o.Interceptors.Add<NotServingInterceptor>());
        builder.Services.AddGrpcHealthChecks().AddCheck<NotServingHealthCheck>("storage");
        builder.Services.Configure<GrpcHealthChecksOptions>(o =>
            o.Services.Map(Contracts.Grpc.StorageService.Descriptor.FullName, _ => true));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MetricNames.MeterName)
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        await using var app = builder.Build();
        var state = app.Services.GetRequiredService<RefusalState>();
        app.Use((context, next) => KestrelEndpoints.SeparatePorts(context, next, node.GrpcPort, node.AdminOnGrpcPort));
        app.MapGrpcService<RefusedStorageService>().RequireAuthorization(PairDbPolicies.Member);
        app.MapGrpcHealthChecksService().RequireAuthorization(PairDbPolicies.Anonymous);
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(PairDbPolicies.OperatorOrMember);
        app.MapPrometheusScrapingEndpoint("/api/v1/metrics").RequireAuthorization(PairDbPolicies.OperatorOrMember);
        RefusedEndpoints.Map(app);
        await app.RunAsync();
        return state.Quarantined is null ? RefusedNodeOutcome.Stopped : RefusedNodeOutcome.Quarantined;
    }
}
