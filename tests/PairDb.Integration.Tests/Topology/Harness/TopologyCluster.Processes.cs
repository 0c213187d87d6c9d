using PairDb.Client.Tooling;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>Starting, registering, killing and restarting the cluster's processes.</summary>
internal sealed partial class TopologyCluster
{
    private string CoordinatorLogPath => _directory.Combine("coordinator.log");

    /// <summary>Starts a storage node process (not registered: the coordinator does not know it yet).</summary>
    public async Task<ClusterNode> StartNodeAsync(string nodeId, IReadOnlyDictionary<string, string>? settings = null)
    {
        var merged = new Dictionary<string, string>(TopologySettings.NodeSettings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }
        var node = await ClusterNode.StartAsync(nodeId, _directory.Combine(nodeId), _nodeAssembly, merged);
        lock (_nodes)
        {
            _nodes.Add(node);
        }
        return node;
    }

    /// <summary>AddStorageNode for a started node (runbook 5.1 step 1): starts its bootstrap.</summary>
    public async Task<AddStorageNodeReply> RegisterAsync(ClusterNode node, int virtualNodes = 0) =>
        await Admin.AddStorageNodeAsync(new AddStorageNodeRequest
        {
            NodeId = node.NodeId,
            Host = "127.0.0.1",
            Port = (uint)node.GrpcPort,
            HttpPort = (uint)node.HttpPort,
            VirtualNodes = (uint)virtualNodes,
        });

    /// <summary>Starts a node process and registers it: the bootstrap begins.</summary>
    public async Task<(ClusterNode Node, AddStorageNodeReply Reply)> AddNodeAsync(string nodeId, int virtualNodes = 0)
    {
        var node = await StartNodeAsync(nodeId);
        return (node, await RegisterAsync(node, virtualNodes == 0 ? Settings.VirtualNodes : virtualNodes));
    }

    /// <summary>RemoveStorageNode (runbook 5.2 step 1): starts the decommission.</summary>
    public async Task<RemoveStorageNodeReply> RemoveAsync(string nodeId, bool force = false) =>
        await Admin.RemoveStorageNodeAsync(new RemoveStorageNodeRequest { NodeId = nodeId, Force = force });

    /// <summary>Starts the coordinator (again) on the same ports and database.</summary>
    public async Task StartCoordinatorAsync()
    {
        if (CoordinatorRunning)
        {
            throw new InvalidOperationException("the coordinator is already running");
        }
        if (_coordinator is { } dead)
        {
            // Observers poll CoordinatorRunning meanwhile: never let them see a disposed process.
            _coordinator = null;
            await dead.DisposeAsync();
        }
        _coordinator = await HostLauncher.StartAsync(new HostSpec
        {
            Name = "coordinator",
            AssemblyPath = _coordinatorAssembly,
            Arguments = _coordinatorArguments,
            HealthUrl = new Uri($"http://127.0.0.1:{CoordinatorHttpPort}/health/live"),
            LogPath = CoordinatorLogPath,
        });
    }

    /// <summary>SIGKILL the coordinator: no shutdown code runs, whatever it was doing stops mid-step.</summary>
    public void KillCoordinator()
    {
        Assert.That(CoordinatorRunning, Is.True, "the coordinator must be running to be killed");
        _coordinator!.Kill();
    }
}
