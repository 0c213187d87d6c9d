using Microsoft.Extensions.Options;
using PairDb.Coordinator.Options;

namespace PairDb.Coordinator.Hosting;

public static partial class CoordinatorHost
{
    private static void LogOptions(ILogger logger, IServiceProvider services, MetadataOptions metadata)
    {
        var host = services.GetRequiredService<IOptions<CoordinatorHostOptions>>().Value;
        var ring = services.GetRequiredService<IOptions<RingOptions>>().Value;
        var probe = services.GetRequiredService<IOptions<HealthProbeOptions>>().Value;
        LogHostOptions(logger, host.ListenAddress, host.GrpcPort, host.HttpPort);
        LogRingOptions(logger, ring.ReplicationFactor, ring.DefaultVirtualNodes, ring.MaxVirtualNodes, ring.RefreshInterval);
        LogProbeOptions(logger, probe.Interval, probe.Timeout, probe.FailureThreshold);
        LogMetadataOptions(logger, metadata.Redacted());
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Coordinator options listen_address={ListenAddress} grpc_port={GrpcPort} http_port={HttpPort}")]
    private static partial void LogHostOptions(ILogger logger, string listenAddress, int grpcPort, int httpPort);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Ring options replication_factor={ReplicationFactor} default_virtual_nodes={DefaultVirtualNodes} max_virtual_nodes={MaxVirtualNodes} refresh_interval={RefreshInterval}")]
    private static partial void LogRingOptions(ILogger logger, int replicationFactor, int defaultVirtualNodes, int maxVirtualNodes, TimeSpan refreshInterval);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information,
        Message = "Health probe options interval={Interval} timeout={Timeout} failure_threshold={FailureThreshold}")]
    private static partial void LogProbeOptions(ILogger logger, TimeSpan interval, TimeSpan timeout, int failureThreshold);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Metadata options connection_string={ConnectionString}")]
    private static partial void LogMetadataOptions(ILogger logger, string connectionString);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Ring loaded nodes={Nodes} members={Members}")]
    private static partial void LogRingLoaded(ILogger logger, int nodes, int members);
}
