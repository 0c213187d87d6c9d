using Microsoft.Extensions.Logging;

namespace PairDb.Coordinator.Topology;

public sealed partial class NodeRegistry
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Information,
        Message = "Storage node added node_id={NodeId} host={Host} grpc_port={GrpcPort} virtual_nodes={VirtualNodes} state={State}")]
    private partial void LogNodeAdded(string nodeId, string host, int grpcPort, int virtualNodes, string state);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information,
        Message = "Storage node removed node_id={NodeId} force={Force} remaining_normal={Remaining}")]
    private partial void LogNodeRemoved(string nodeId, bool force, int remaining);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Storage node drain changed node_id={NodeId} draining={Draining}")]
    private partial void LogDrainChanged(string nodeId, bool draining);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information,
        Message = "Ring published version={Version} members={Members} nodes={Nodes} tokens={Tokens}")]
    private partial void LogRingPublished(long version, int members, int nodes, int tokens);
}
