using Google.Protobuf.WellKnownTypes;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Data;

namespace PairDb.Coordinator.Api.Grpc;

/// <summary>Rows of storage_nodes and pending_changes as the CoordinatorService messages show them.</summary>
public static class NodeMapping
{
    public static StorageNodeInfo ToInfo(StorageNodeRecord node) => new()
    {
        NodeId = node.NodeId,
        Host = node.Host,
        GrpcPort = (uint)node.GrpcPort,
        HttpPort = (uint)node.HttpPort,
        VirtualNodes = (uint)node.VirtualNodes,
        State = ToState(node.State),
        Status = ToStatus(node.Status),
        CreatedAt = Timestamp.FromDateTimeOffset(node.CreatedAt),
        UpdatedAt = Timestamp.FromDateTimeOffset(node.UpdatedAt),
        Incarnation = node.Incarnation ?? "",
    };

    public static TopologyChange? ToChange(PendingChangeRecord? change) => change is null
        ? null
        : new TopologyChange
        {
            ChangeId = change.ChangeId,
            Type = change.Type,
            NodeId = change.NodeId,
            Status = change.Status,
            Progress = (uint)Math.Clamp(change.Progress, 0, 100),
            StartTime = Timestamp.FromDateTimeOffset(change.StartTime),
            CompletedAt = change.CompletedAt is { } completed ? Timestamp.FromDateTimeOffset(completed) : null,
        };

    public static NodeState ToState(string state) => state switch
    {
        NodeStates.Normal => NodeState.Normal,
        NodeStates.Bootstrapping => NodeState.Bootstrapping,
        NodeStates.Leaving => NodeState.Leaving,
        _ => NodeState.Unspecified,
    };

    public static NodeStatus ToStatus(string status) => status switch
    {
        NodeStatuses.Up => NodeStatus.Up,
        NodeStatuses.Down => NodeStatus.Down,
        _ => NodeStatus.Unspecified,
    };
}
