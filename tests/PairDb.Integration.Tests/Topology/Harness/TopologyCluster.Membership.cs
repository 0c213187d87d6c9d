using PairDb.Contracts.Grpc;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>Membership as the coordinator reports it (gRPC) and waits on it.</summary>
internal sealed partial class TopologyCluster
{
    public async Task<IReadOnlyList<StorageNodeInfo>> ListAsync() => (await Admin.ListStorageNodesAsync(new ListStorageNodesRequest())).Nodes;

    /// <summary>The node's state in ListStorageNodes, or null when it is not listed.</summary>
    public async Task<NodeState?> ListedStateAsync(string nodeId)
    {
        foreach (var node in await ListAsync())
        {
            if (node.NodeId == nodeId)
            {
                return node.State;
            }
        }
        return null;
    }

    public async Task WaitForNodeStateAsync(string nodeId, NodeState state, TimeSpan timeout, string why)
    {
        await Until.DoneAsync(async () =>
        {
            var reply = await Admin.GetStorageNodeStatusAsync(new GetStorageNodeStatusRequest { NodeId = nodeId });
            return (reply.Node.State == state, $"{reply.Node.State}, change {reply.Change}");
        }, $"{nodeId} to be {state} ({why})", timeout);
    }

    /// <summary>Waits until ListStorageNodes no longer lists the node (runbook 5.2 step 4).</summary>
    public async Task WaitForNodeGoneAsync(string nodeId, TimeSpan timeout) =>
        await Until.DoneAsync(async () =>
        {
            var state = await ListedStateAsync(nodeId);
            return (state is null, $"still listed as {state}");
        }, $"{nodeId} to disappear from ListStorageNodes", timeout);

    /// <summary>
    /// Waits until the node's latest change of <paramref name="type"/> has one of the statuses; returns it.
    /// "completed" is also met by "cleaned_up", the state a completed change reaches once its old ranges are
    /// dropped (CleanupGrace, seconds in tests): a wait that starts late must not miss a completion.
    /// </summary>
    public async Task<ChangeRow> WaitForChangeAsync(string nodeId, string type, TimeSpan timeout, params string[] statuses)
    {
        ChangeRow? row = null;
        await Until.DoneAsync(async () =>
        {
            var changes = await ChangesAsync(nodeId, type);
            row = changes.Count == 0 ? null : changes[0];
            return (row is not null && (statuses.Contains(row.Status) || (row.Status == "cleaned_up" && statuses.Contains("completed"))), row?.ToString() ?? "no row yet");
        }, $"the {type} of {nodeId} to be {string.Join(" or ", statuses)}", timeout);
        Log($"{row}");
        return row!;
    }

    /// <summary>Waits until the change is copying and has persisted progress on a stream: the middle of streaming.</summary>
    public async Task<ChangeRow> WaitForCopyingAsync(string nodeId, string type, long minimumKeysCopied, TimeSpan timeout)
    {
        ChangeRow? row = null;
        await Until.DoneAsync(async () =>
        {
            var changes = await ChangesAsync(nodeId, type);
            row = changes.Count == 0 ? null : changes[0];
            var done = row is { Status: "in_progress", Phase: "copying" } && row.KeysCopied >= minimumKeysCopied
                && row.Streams.Any(s => s.State == "copying" && s.LastKey.Length > 0);
            return (done, row is null ? "no row yet" : $"{row} keys_copied={row.KeysCopied}");
        }, $"the {type} of {nodeId} to be copying with at least {minimumKeysCopied} keys copied and a persisted last_key", timeout);
        Log($"mid-stream: {row} keys_copied={row!.KeysCopied}");
        return row;
    }

    /// <summary>Sum of a metric's samples on the coordinator's /metrics (0 when absent).</summary>
    public async Task<double> CoordinatorMetricAsync(string name) =>
        PrometheusText.Sum(await Operator.GetTextAsync("/metrics"), name);
}
