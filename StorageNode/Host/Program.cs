using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Validation;
using PairDb.Engine;
using PairDb.StorageNode.Admin;
using PairDb.StorageNode.Configuration;
using PairDb.StorageNode.Disk;
using PairDb.StorageNode.Rpc;
using PairDb.StorageNode.Hosting;
using PairDb.StorageNode.Metrics;

// Content root = the install directory, so appsettings.json is found whatever the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
PairDbEnvironmentVariablesSource.Install(builder.Configuration);
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.UseUtcTimestamp = true;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
});
builder.Services.AddStorageNode(builder.Configuration);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
builder.WebHost.ConfigureKestrel((context, kestrel) =>
    KestrelEndpoints.Configure(kestrel, kestrel.ApplicationServices.GetRequiredService<IOptions<NodeOptions>>().Value, context.Configuration));

var app = builder.Build();
var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PairDb.StorageNode");
NodeOptions node;
try
{
    // Options are validated and the engine opened (recovery) before any port is bound.
    node = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value;
    LogEffectiveOptions(app.Services, logger, node);
    // The meter provider listens before any instrument records, so the zero-initialised series are not lost.
    app.Services.GetRequiredService<OpenTelemetry.Metrics.MeterProvider>();
    var engine = app.Services.GetRequiredService<LsmEngine>();
    app.Services.GetRequiredService<EngineMetrics>();
    app.Services.GetRequiredService<PairDb.StorageNode.Streaming.StreamingMetrics>();
    if (engine.NeedsRepair)
    {
        StartupLog.NeedsRepair(logger);
    }
}
catch (Exception e) when (e is OptionsValidationException or StorageEngineException or IOException or UnauthorizedAccessException or ArgumentException)
{
    StartupLog.StartFailed(logger, e.Message, e);
    return 1;
}

// Admin endpoints answer JSON even for a bug (the middleware logs the exception).
app.UseExceptionHandler(new ExceptionHandlerOptions
{
    ExceptionHandler = context => context.Response.WriteAsJsonAsync(new { error = "internal error; see the node log" }),
});
app.Use((context, next) => KestrelEndpoints.SeparatePorts(context, next, node.GrpcPort, node.AdminOnGrpcPort));
app.MapGrpcService<StorageGrpcService>();
app.MapGrpcReflectionService();
app.MapGrpcHealthChecksService();
HealthEndpoints.Map(app);
app.MapPrometheusScrapingEndpoint("/metrics");
var api = app.MapGroup("/api/v1");
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

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    StartupLog.Started(logger, node.NodeId, node.GrpcPort, string.Join(",", addresses), node.DataDirectory);
});
app.Lifetime.ApplicationStopping.Register(() => StartupLog.Stopping(logger));

await app.RunAsync();
return 0;

static void LogEffectiveOptions(IServiceProvider services, ILogger logger, NodeOptions node)
{
    // Nothing here is secret today; a secret setting added later must be redacted before this line.
    var json = new JsonSerializerOptions { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
    StartupLog.EffectiveOptions(logger, NodeOptions.SectionName, JsonSerializer.Serialize(node, json));
    StartupLog.EffectiveOptions(logger, StorageEngineOptions.SectionName, JsonSerializer.Serialize(services.GetRequiredService<IOptions<StorageEngineOptions>>().Value, json));
    var disk = services.GetRequiredService<IOptionsMonitor<DiskOptions>>().CurrentValue;
    var headroom = StorageNodeServices.EngineHeadroom(services.GetRequiredService<IOptions<StorageEngineOptions>>().Value);
    StartupLog.EffectiveOptions(logger, DiskOptions.SectionName, JsonSerializer.Serialize(new { disk, effective_thresholds = disk.EffectiveThresholds(), engine_headroom_bytes = headroom, effective_min_available_bytes = disk.EffectiveFloors(headroom) }, json));
    StartupLog.EffectiveOptions(logger, StorageNodeServices.ValidationSection, JsonSerializer.Serialize(services.GetRequiredService<IOptions<ValidationOptions>>().Value, json));
}
