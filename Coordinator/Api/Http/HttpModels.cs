using System.Text.Json;
using System.Text.Json.Serialization;
using PairDb.Coordinator.Data;

namespace PairDb.Coordinator.Api.Http;

/// <summary>The admin API's JSON: snake_case, as the runbook's jq filters read it (<c>.nodes[] | select(.node_id==...)</c>).</summary>
public static class HttpJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>
/// Body of <c>POST /api/v1/nodes/register</c> (runbook 3.1). <c>port</c> is the node's gRPC port, as
/// in AddStorageNode; <c>grpc_port</c> is accepted as its explicit spelling.
/// </summary>
public sealed record RegisterNodeBody(
    string? NodeId, string? Host, int? Port, int? GrpcPort, int? HttpPort, int? VirtualNodes, int? CapacityGb, string? Scheme = null);

public sealed record NodeJson(
    string NodeId,
    string Host,
    int GrpcPort,
    int HttpPort,
    int VirtualNodes,
    string State,
    string Status,
    bool Draining,
    bool InRing,
    int? CapacityGb,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static NodeJson From(StorageNodeRecord node) => new(
        node.NodeId, node.Host, node.GrpcPort, node.HttpPort, node.VirtualNodes, node.State, node.Status,
        node.Draining, NodeStates.IsRingMember(node.State), node.CapacityGb, node.CreatedAt, node.UpdatedAt);
}

public sealed record ChangeJson(
    string ChangeId, string Type, string NodeId, string Status, int Progress, DateTimeOffset StartTime, DateTimeOffset? CompletedAt, string? Error)
{
    public static ChangeJson? From(PendingChangeRecord? change) => change is null
        ? null
        : new(change.ChangeId, change.Type, change.NodeId, change.Status, change.Progress, change.StartTime, change.CompletedAt, change.Error);
}

public sealed record NodeReplyJson(NodeJson Node, ChangeJson? Change);

public sealed record NodeListJson(IReadOnlyList<NodeJson> Nodes);

public sealed record ErrorJson(ErrorBodyJson Error);

public sealed record ErrorBodyJson(int Code, string Reason, string Message);
