using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Validation;
using PairDb.Engine;
using PairDb.Hosting.Security;
using PairDb.StorageNode.Admin;
using PairDb.StorageNode.Configuration;
using PairDb.StorageNode.Disk;
using PairDb.StorageNode.Rpc;
using PairDb.StorageNode.Hosting;
using PairDb.StorageNode.Metrics;
using PairDb.StorageNode.Refusal;

// A node whose engine refuses its data directory (ManifestUnavailableException) does not exit: it runs the refused
// host until the operator quarantines the files, then starts serving here on the emptied directory.
while (true)
{
    var builder = NodeHostBuilder.Create(args);
    HostSecurity security;
    try
    {
        security = KestrelEndpoints.ResolveSecurity(builder.Configuration);
    }
    catch (SecurityConfigurationException e)
    {
        // Before logging exists: said on stderr, and the exit code tells supervisors not to expect a server.
        await Console.Error.WriteLineAsync("Storage node refusing to start: " + e.Message);
        return 2;
    }

    builder.Services.AddStorageNode(builder.Configuration);
    builder.Services.AddPairDbSecurity(security, AdminErrors.WriteAsync);
    builder.WebHost.ConfigureKestrel((context, kestrel) =>
        KestrelEndpoints.Configure(kestrel, kestrel.ApplicationServices.GetRequiredService<IOptions<NodeOptions>>().Value, context.Configuration, security));

    var app = builder.Build();
    var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PairDb.StorageNode");
    NodeOptions node;
    try
    {
        // Options are validated and the engine opened (recovery) before any port is bound.
        node = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value;
        LogEffectiveOptions(app.Services, logger, node);
        SecurityLog.Mode(logger, security, node.ListenAddress, node.GrpcPort, node.HttpPort);
        // The meter provider listens before any instrument records, so the zero-initialised series are not lost.
        app.Services.GetRequiredService<OpenTelemetry.Metrics.MeterProvider>();
        // The identity first: it locks the data directory and takes the incarnation before recovery reads any data.
        var identity = app.Services.GetRequiredService<PairDb.StorageNode.Identity.NodeIdentity>();
        var engine = app.Services.GetRequiredService<LsmEngine>();
        if (engine.Quarantined is not null)
        {
            // The quarantine removed IDENTITY with the data; write it again (and under yet another incarnation).
            identity.Renew("quarantined unaccounted files at start");
        }

        app.Services.GetRequiredService<EngineMetrics>();
        app.Services.GetRequiredService<PairDb.StorageNode.Streaming.StreamingMetrics>();
        if (engine.NeedsRepair)
        {
            StartupLog.NeedsRepair(logger);
        }
    }
    catch (ManifestUnavailableException refusal)
    {
        RefusalLog.Refused(logger, refusal.Problem.ToString(), refusal.Message, RefusalState.Recovery);
        var refusedNode = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value;
        var engineOptions = app.Services.GetRequiredService<IOptions<StorageEngineOptions>>().Value;
        await app.DisposeAsync();
        if (await RefusedNode.RunAsync(args, refusedNode, engineOptions, refusal, security) == RefusedNodeOutcome.Stopped)
        {
            return 1;
        }

        continue;
    }
    catch (Exception e) when (e is OptionsValidationException or PairDb.StorageNode.Identity.NodeIdentityException or StorageEngineException or IOException or UnauthorizedAccessException or ArgumentException)
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
    NodeEndpoints.Map(app);

    app.Lifetime.ApplicationStarted.Register(() =>
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        StartupLog.Started(logger, node.NodeId, node.GrpcPort, string.Join(",", addresses), node.DataDirectory);
    });
    app.Lifetime.ApplicationStopping.Register(() => StartupLog.Stopping(logger));

    await app.RunAsync();
    return 0;
}

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
