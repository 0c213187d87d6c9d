using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Nodes;
using PairDb.Coordinator.Topology;
using PairDb.Coordinator.Topology.Changes;
using PairDb.Hosting.Security;

namespace PairDb.Coordinator.Api.Grpc;

/// <summary>pairdb.CoordinatorService: cluster membership (runbook 5.1-5.2). Operators only, but for what nodes ask themselves (<see cref="GetReplicaPeers"/>).</summary>
public sealed partial class CoordinatorGrpcService : CoordinatorService.CoordinatorServiceBase
{
    private readonly NodeRegistry _registry;
    private readonly ChangeControl _changes;
    private readonly NodeLiveness _liveness;
    private readonly Clock.ClusterClock _clock;

    public CoordinatorGrpcService(NodeRegistry registry, ChangeControl changes, NodeLiveness liveness, Clock.ClusterClock clock)
    {
        _clock = clock;
        _registry = registry;
        _changes = changes;
        _liveness = liveness;
    }

    private StorageNodeInfo ToInfo(Data.StorageNodeRecord node)
    {
        var info = NodeMapping.ToInfo(node);
        info.StatusReason = _liveness.ReasonOf(node.NodeId) ?? "";
        if (_clock.OffsetOf(node.NodeId) is { } offset)
        {
            info.ClockOffsetSeconds = offset.TotalSeconds;
        }
        return info;
    }

    [Authorize(Policy = PairDbPolicies.Operator)]
    public override async Task<AddStorageNodeReply> AddStorageNode(AddStorageNodeRequest request, ServerCallContext context)
    {
        var registration = new NodeRegistration(
            request.NodeId, request.Host, ToInt(request.Port), ToInt(request.HttpPort), ToInt(request.VirtualNodes), CapacityGb: null, request.Scheme);
        var added = await GrpcErrors.Run(() => _registry.AddAsync(registration, context.CancellationToken));
        return new AddStorageNodeReply { Node = ToInfo(added.Node), Change = NodeMapping.ToChange(added.Change) };
    }

    [Authorize(Policy = PairDbPolicies.Operator)]
    public override async Task<RemoveStorageNodeReply> RemoveStorageNode(RemoveStorageNodeRequest request, ServerCallContext context)
    {
        var removed = await GrpcErrors.Run(() => _registry.RemoveAsync(request.NodeId, request.Force, context.CancellationToken));
        return new RemoveStorageNodeReply { Node = ToInfo(removed.Node), Change = NodeMapping.ToChange(removed.Change) };
    }

    [Authorize(Policy = PairDbPolicies.Operator)]
    public override async Task<GetStorageNodeStatusReply> GetStorageNodeStatus(GetStorageNodeStatusRequest request, ServerCallContext context)
    {
        var found = await GrpcErrors.Run(() => _registry.GetAsync(request.NodeId, context.CancellationToken));
        return new GetStorageNodeStatusReply { Node = ToInfo(found.Node), Change = NodeMapping.ToChange(found.Change) };
    }

    [Authorize(Policy = PairDbPolicies.Operator)]
    public override async Task<ListStorageNodesReply> ListStorageNodes(ListStorageNodesRequest request, ServerCallContext context)
    {
        var nodes = await GrpcErrors.Run(() => _registry.ListAsync(context.CancellationToken));
        var reply = new ListStorageNodesReply();
        foreach (var node in nodes)
        {
            reply.Nodes.Add(ToInfo(node));
        }
        return reply;
    }

    [Authorize(Policy = PairDbPolicies.Operator)]
    public override async Task<TopologyChangeReply> RestartChange(TopologyChangeRequest request, ServerCallContext context) =>
        new() { Change = NodeMapping.ToChange(await GrpcErrors.Run(() => _changes.RestartAsync(request.NodeId, context.CancellationToken))) };

    [Authorize(Policy = PairDbPolicies.Operator)]
    public override async Task<TopologyChangeReply> AbortChange(TopologyChangeRequest request, ServerCallContext context) =>
        new() { Change = NodeMapping.ToChange(await GrpcErrors.Run(() => _changes.AbortAsync(request.NodeId, context.CancellationToken))) };

    [Authorize(Policy = PairDbPolicies.Operator)]
    public override async Task<TopologyChangeReply> ChangeSource(ChangeSourceRequest request, ServerCallContext context) =>
        new()
        {
            Change = NodeMapping.ToChange(await GrpcErrors.Run(() =>
                _changes.ChangeSourceAsync(request.NodeId, request.OldSource, request.NewSource, context.CancellationToken))),
        };

    /// <summary>Out-of-range values become -1 so that validation reports them instead of wrapping.</summary>
    private static int ToInt(uint value) => value > int.MaxValue ? -1 : (int)value;
}
