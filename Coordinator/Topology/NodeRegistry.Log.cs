using Microsoft.Extensions.Logging;

namespace PairDb.Coordinator.Topology;

public sealed partial class NodeRegistry
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information,
        Message = "Storage node added node_id={NodeId} host={Host} grpc_port={GrpcPort} virtual_nodes={VirtualNodes} state={State}")]
    private partial void LogNodeAdded(string nodeId, string host, int grpcPort, int virtualNodes, string state);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information,
        Message = "Storage node leaving node_id={NodeId} force={Force} remaining_normal={Remaining}")]
    private partial void LogNodeLeaving(string nodeId, bool force, int remaining);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "Could not schedule topology change change_id={ChangeId}; the supervisor will")]
    private partial void LogScheduleFailed(Exception exception, string changeId);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Information,
        Message = "Topology change completed change_id={ChangeId} type={Type} node_id={NodeId}")]
    private partial void LogChangeCompleted(string changeId, string type, string nodeId);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Warning,
        Message = "Topology change aborted change_id={ChangeId} type={Type} node_id={NodeId}")]
    private partial void LogChangeAborted(string changeId, string type, string nodeId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Storage node drain changed node_id={NodeId} draining={Draining}")]
    private partial void LogDrainChanged(string nodeId, bool draining);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information,
        Message = "Ring published version={Version} members={Members} nodes={Nodes} tokens={Tokens}")]
    private partial void LogRingPublished(long version, int members, int nodes, int tokens);
}
