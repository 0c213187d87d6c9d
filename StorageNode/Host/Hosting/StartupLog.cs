using Microsoft.Extensions.Logging;

namespace PairDb.StorageNode.Hosting;

internal static partial class StartupLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Effective options section={Section} values={Values}")]
    public static partial void EffectiveOptions(ILogger logger, string section, string values);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Storage node started node_id={NodeId} grpc_port={GrpcPort} addresses={Addresses} data_directory={DataDirectory}")]
    public static partial void Started(ILogger logger, string nodeId, int grpcPort, string addresses, string dataDirectory);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Critical, Message = "Storage node failed to start: {Reason}")]
    public static partial void StartFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Storage node stopping: draining requests, then closing the engine")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Engine recovery skipped corrupt commit-log data needs_repair=true: some acknowledged writes may be missing here and must be repaired from replicas")]
    public static partial void NeedsRepair(ILogger logger);
}
