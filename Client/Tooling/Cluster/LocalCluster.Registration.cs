using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;

namespace PairDb.Client.Tooling.Cluster;

public sealed partial class LocalCluster
{
    private static readonly TimeSpan UpPollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);

    // Registration writes the node and its bootstrap change in PostgreSQL; on a loaded machine (a parallel
    // build, a test suite) that was seen to take 8-20 s, and a cancelled registration only has to be redone.
    private static readonly TimeSpan RegistrationDeadline = TimeSpan.FromSeconds(60);

    /// <summary>The coordinator's gRPC endpoint in <paramref name="state"/>.</summary>
    public static Uri CoordinatorEndpoint(ClusterState state) =>
        new($"{(state.Secure ? Uri.UriSchemeHttps : Uri.UriSchemeHttp)}://127.0.0.1:{state.CoordinatorGrpcPort}");

    /// <summary>AddStorageNode for each node; idempotent on the coordinator's side for the same id, host and port.</summary>
    private async Task RegisterAsync(ClusterState state, IReadOnlyList<NodeProcess> nodes, CancellationToken cancellationToken)
    {
        using var channel = Access(state).OperatorChannel(CoordinatorEndpoint(state));
        var coordinator = new CoordinatorService.CoordinatorServiceClient(channel);
        foreach (var node in nodes)
        {
            var request = new AddStorageNodeRequest { NodeId = node.Id, Host = "127.0.0.1", Port = (uint)node.GrpcPort, HttpPort = (uint)node.HttpPort };
            try
            {
                await coordinator.AddStorageNodeAsync(request, deadline: DateTime.UtcNow + RegistrationDeadline, cancellationToken: cancellationToken);
            }
            catch (RpcException e)
            {
                var error = RpcErrors.TryParse(e);
                throw new ClusterException(
                    $"AddStorageNode {node.Id} (127.0.0.1:{node.GrpcPort}) failed: {error?.Name} ({(int?)error?.Code}): {error?.Message}", e);
            }
        }
    }

    /// <summary>
    /// Waits until ListStorageNodes shows every one of <paramref name="nodes"/> UP and NORMAL: a
    /// registered node bootstraps first (streaming whatever data the ring already holds) and only
    /// then owns ranges.
    /// </summary>
    private async Task WaitUntilUpAsync(ClusterState state, IReadOnlyList<NodeProcess> nodes, CancellationToken cancellationToken)
    {
        _options.Progress($"waiting for the coordinator to see {nodes.Count} node(s) UP and NORMAL");
        using var channel = Access(state).OperatorChannel(CoordinatorEndpoint(state));
        var coordinator = new CoordinatorService.CoordinatorServiceClient(channel);
        var deadline = DateTime.UtcNow + _options.HealthyTimeout;
        using var ticks = new PeriodicTimer(UpPollInterval);
        var notUp = new List<string>();
        while (true)
        {
            notUp.Clear();
            ListStorageNodesReply? reply = null;
            try
            {
                reply = await coordinator.ListStorageNodesAsync(new ListStorageNodesRequest(), deadline: DateTime.UtcNow + CallDeadline, cancellationToken: cancellationToken);
            }
            catch (RpcException e)
            {
                notUp.Add($"ListStorageNodes failed: {e.Status.Detail}");
            }
            if (reply is not null)
            {
                foreach (var node in nodes)
                {
                    var seen = reply.Nodes.FirstOrDefault(n => n.NodeId == node.Id);
                    if (seen is null || seen.Status != Contracts.Grpc.NodeStatus.Up || seen.State != NodeState.Normal)
                    {
                        var what = seen is null ? "not registered" : $"{seen.Status.ToString().ToUpperInvariant()} and {seen.State}";
                        notUp.Add($"{node.Id} is {what} (log: {Path.Combine(LogDirectory, node.Id + ".log")})");
                    }
                }
            }
            if (notUp.Count == 0)
            {
                return;
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new ClusterException(
                    $"timed out after {_options.HealthyTimeout.TotalSeconds:0} s waiting for the coordinator to see every node UP and NORMAL:\n  " +
                    string.Join("\n  ", notUp) + $"\ncoordinator log: {Path.Combine(LogDirectory, "coordinator.log")}");
            }
            await ticks.WaitForNextTickAsync(cancellationToken);
        }
    }
}
