using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;

namespace PairDb.Client.Tooling.Cluster;

public sealed partial class LocalCluster
{
    /// <summary>Starts a new storage node process in the first free port slot, registers it and waits until it is UP.</summary>
    public async Task<NodeProcess> AddNodeAsync(string nodeId, CancellationToken cancellationToken = default)
    {
        using var held = ClusterLock.Acquire(DataDirectory);
        var state = RequireState();
        if (state.FindNode(nodeId) is not null)
        {
            throw new ClusterException($"node {nodeId} already exists in {DataDirectory}; use `node restart {nodeId}` to start it again");
        }
        if (!Contracts.Versioning.NodeIds.IsValidNodeId(nodeId) || nodeId.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || nodeId is "." or "..")
        {
            throw new ClusterException($"node id '{nodeId}' is invalid: use printable ASCII without spaces, '/' or '@'");
        }
        var slot = 1;
        while (state.Nodes.Exists(n => n.Slot == slot))
        {
            slot++;
        }
        if (slot > ClusterPorts.MaxSlots)
        {
            throw new ClusterException($"all {ClusterPorts.MaxSlots} node port slots of base port {state.BasePort} are taken");
        }
        var node = NewNode(state, nodeId, slot);
        state.Nodes.Add(node);
        try
        {
            await EnsureNodesAsync(state, [node], new UpResult(state), cancellationToken);
        }
        finally
        {
            state.Save(DataDirectory);
        }
        await RegisterAsync(state, [node], cancellationToken);
        await WaitUntilUpAsync(state, [node], cancellationToken);
        return node;
    }

    /// <summary>
    /// RemoveStorageNode; once the decommission has completed, stops the node's process and forgets it
    /// (its data directory stays). Returns the decommission's status.
    /// </summary>
    public async Task<string> RemoveNodeAsync(string nodeId, bool force, CancellationToken cancellationToken = default)
    {
        using var held = ClusterLock.Acquire(DataDirectory);
        var state = RequireState();
        var node = RequireNode(state, nodeId);
        using var channel = Access(state).OperatorChannel(CoordinatorEndpoint(state));
        var coordinator = new CoordinatorService.CoordinatorServiceClient(channel);
        RemoveStorageNodeReply reply;
        try
        {
            reply = await coordinator.RemoveStorageNodeAsync(
                new RemoveStorageNodeRequest { NodeId = nodeId, Force = force }, deadline: DateTime.UtcNow + CallDeadline, cancellationToken: cancellationToken);
        }
        catch (RpcException e)
        {
            throw new PairDbException(e.GetErrorCode(), $"RemoveStorageNode {nodeId}: {RpcErrors.TryParse(e)?.Message}");
        }
        var status = await WaitForDecommissionAsync(coordinator, nodeId, reply.Change?.Status ?? "completed", cancellationToken);
        if (status == "completed")
        {
            await ProcessIdentity.StopAsync(node.Process, UnixSignal.TerminateSignal, HostStopGrace, cancellationToken);
            state.Nodes.Remove(node);
            state.Save(DataDirectory);
        }
        return status;
    }

    /// <summary>
    /// Follows the decommission (LEAVING, streaming, then the row removed) until it ends or
    /// HealthyTimeout passes: "completed" once the node is gone from storage_nodes, the change's
    /// status when it failed or was aborted, else the status it still has.
    /// </summary>
    private async Task<string> WaitForDecommissionAsync(
        CoordinatorService.CoordinatorServiceClient coordinator, string nodeId, string status, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _options.HealthyTimeout;
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        while (status is "in_progress" or "pending" && DateTime.UtcNow < deadline)
        {
            await ticks.WaitForNextTickAsync(cancellationToken);
            try
            {
                var reply = await coordinator.GetStorageNodeStatusAsync(
                    new GetStorageNodeStatusRequest { NodeId = nodeId }, deadline: DateTime.UtcNow + CallDeadline, cancellationToken: cancellationToken);
                status = reply.Change is { Type: "decommission" } change ? change.Status : status;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                return "completed";
            }
        }
        return status;
    }

    /// <summary>SIGKILLs a node, as a crash would. It stays registered and recorded: <c>node restart</c> or <c>up</c> brings it back.</summary>
    public async Task<int?> KillNodeAsync(string nodeId, CancellationToken cancellationToken = default)
    {
        using var held = ClusterLock.Acquire(DataDirectory);
        var node = RequireNode(RequireState(), nodeId);
        var pid = node.Process?.Pid;
        return await ProcessIdentity.KillAsync(node.Process, cancellationToken) ? pid : null;
    }

    /// <summary>Stops the node if it runs (SIGTERM), starts it again on the same ports and data, and waits until it is UP.</summary>
    public async Task<NodeProcess> RestartNodeAsync(string nodeId, CancellationToken cancellationToken = default)
    {
        using var held = ClusterLock.Acquire(DataDirectory);
        var state = RequireState();
        var node = RequireNode(state, nodeId);
        await ProcessIdentity.StopAsync(node.Process, UnixSignal.TerminateSignal, HostStopGrace, cancellationToken);
        node.Process = null;
        try
        {
            await EnsureNodesAsync(state, [node], new UpResult(state), cancellationToken);
        }
        finally
        {
            state.Save(DataDirectory);
        }
        await RegisterAsync(state, [node], cancellationToken);
        await WaitUntilUpAsync(state, [node], cancellationToken);
        return node;
    }

    private NodeProcess RequireNode(ClusterState state, string nodeId) =>
        state.FindNode(nodeId) ?? throw new ClusterException(
            $"no node {nodeId} in {DataDirectory} (known: {string.Join(", ", state.Nodes.ConvertAll(n => n.Id))})");
}
