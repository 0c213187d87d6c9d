using Grpc.Net.Client;
using PairDb.Client.Tooling;
using PairDb.Contracts.Grpc;

namespace PairDb.Bench.Cluster;

/// <summary>A storage node process of a scratch cluster and its loopback ports.</summary>
public sealed record ScratchNode(string NodeId, int GrpcPort, int HttpPort, HostProcess Host)
{
    public Uri Admin => new($"http://127.0.0.1:{HttpPort}");
}

/// <summary>
/// PostgreSQL, a coordinator (with --migrate) and three storage nodes started with the shared
/// launcher in a scratch directory, nodes registered; optionally spare nodes started but not registered
/// (for AddStorageNode). Disposing stops them all and removes the directory.
/// </summary>
public sealed class ScratchCluster : IAsyncDisposable
{
    private const string CoordinatorClientId = "pairdb-coordinator";
    private const int Members = 3;
    private readonly string _directory;
    private readonly LocalPostgres _postgres;
    private readonly List<HostProcess> _hosts;

    private ScratchCluster(string directory, LocalPostgres postgres, List<HostProcess> hosts, string target, int coordinatorHttpPort, List<ScratchNode> nodes)
    {
        _directory = directory;
        _postgres = postgres;
        _hosts = hosts;
        Target = target;
        CoordinatorAdmin = new Uri($"http://127.0.0.1:{coordinatorHttpPort}");
        Nodes = nodes;
    }

    /// <summary>The coordinator's gRPC endpoint, HOST:PORT.</summary>
    public string Target { get; }

    /// <summary>The coordinator's HTTP admin endpoint (operator API, /metrics).</summary>
    public Uri CoordinatorAdmin { get; }

    public IReadOnlyList<HostProcess> Hosts => _hosts;

    /// <summary>The registered nodes first (storage-node-1..3), then the spare ones.</summary>
    public IReadOnlyList<ScratchNode> Nodes { get; }

    public string Directory => _directory;

    public static Task<ScratchCluster> StartAsync(TextWriter log) => StartAsync(log, Path.GetTempPath(), spareNodes: 0, coordinatorArguments: []);

    /// <param name="parentDirectory">Where the scratch directory is made.</param>
    /// <param name="spareNodes">Nodes started after the three members but not registered.</param>
    /// <param name="coordinatorArguments">Extra configuration for the coordinator, e.g. <c>--PairDb:Topology:...</c>.</param>
    public static async Task<ScratchCluster> StartAsync(TextWriter log, string parentDirectory, int spareNodes, IReadOnlyList<string> coordinatorArguments)
    {
        var directory = Path.Combine(parentDirectory, "pairdb-bench-cluster-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        var root = HostAssemblies.FindRepositoryRoot(AppContext.BaseDirectory);
        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var total = Members + spareNodes;
        log.WriteLine($"starting PostgreSQL, a coordinator and {total} storage nodes ({spareNodes} spare) in {directory}");
        var postgres = await LocalPostgres.StartAsync(new LocalPostgresOptions { RootDirectory = Path.Combine(directory, "postgres"), Durable = false });
        var hosts = new List<HostProcess>();
        var starts = new List<Task<HostProcess>>(total);
        try
        {
            var nodeAssembly = HostAssemblies.Locate(root, HostKind.StorageNode, configuration);
            var nodePorts = FreePort.Next(2 * total);
            for (var i = 0; i < total; i++)
            {
                starts.Add(HostLauncher.StartAsync(NodeSpec(directory, nodeAssembly, i, nodePorts[2 * i], nodePorts[2 * i + 1])));
            }
            var ports = FreePort.Next(2);
            hosts.Add(await HostLauncher.StartAsync(new HostSpec
            {
                Name = "coordinator",
                AssemblyPath = HostAssemblies.Locate(root, HostKind.Coordinator, configuration),
                Arguments =
                [
                    "--migrate",
                    "--ConnectionStrings:Metadata=" + postgres.ConnectionString,
                    "--PairDb:Coordinator:ListenAddress=127.0.0.1",
                    $"--PairDb:Coordinator:GrpcPort={ports[0]}",
                    $"--PairDb:Coordinator:HttpPort={ports[1]}",
                    "--Logging:LogLevel:Default=Warning",
                    .. coordinatorArguments,
                ],
                HealthUrl = new Uri($"http://127.0.0.1:{ports[1]}/health/live"),
                LogPath = Path.Combine(directory, "coordinator.log"),
            }));
            var nodeHosts = await Task.WhenAll(starts);
            starts.Clear();
            hosts.AddRange(nodeHosts);
            var nodes = new List<ScratchNode>(total);
            for (var i = 0; i < total; i++)
            {
                nodes.Add(new ScratchNode($"storage-node-{i + 1}", nodePorts[2 * i], nodePorts[2 * i + 1], nodeHosts[i]));
            }
            var target = $"127.0.0.1:{ports[0]}";
            using var channel = GrpcChannel.ForAddress("http://" + target);
            var admin = new CoordinatorService.CoordinatorServiceClient(channel);
            for (var i = 0; i < Members; i++)
            {
                await admin.AddStorageNodeAsync(new AddStorageNodeRequest
                {
                    NodeId = $"storage-node-{i + 1}", Host = "127.0.0.1", Port = (uint)nodePorts[2 * i], HttpPort = (uint)nodePorts[2 * i + 1],
                });
            }
            return new ScratchCluster(directory, postgres, hosts, target, ports[1], nodes);
        }
        catch
        {
            // Node starts still running (or done) when something else failed: stop whichever came up.
            foreach (var start in starts)
            {
                try
                {
                    hosts.Add(await start);
                }
                catch (HostStartException)
                {
                }
            }
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
            await postgres.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
        await _postgres.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A straggling file handle: the scratch directory is under the temp directory anyway.
        }
    }

    private static HostSpec NodeSpec(string directory, string assembly, int index, int grpcPort, int httpPort) => new()
    {
        Name = $"storage-node-{index + 1}",
        AssemblyPath = assembly,
        Arguments =
        [
            $"--PairDb:StorageNode:NodeId=storage-node-{index + 1}",
            "--PairDb:StorageNode:DataDirectory=" + Path.Combine(directory, $"node-{index + 1}"),
            "--PairDb:StorageNode:ListenAddress=127.0.0.1",
            $"--PairDb:StorageNode:GrpcPort={grpcPort}",
            $"--PairDb:StorageNode:HttpPort={httpPort}",
            "--PairDb:StorageNode:Validation:TrustedClients:0=" + CoordinatorClientId,
            "--Logging:LogLevel:Default=Warning",
        ],
        HealthUrl = new Uri($"http://127.0.0.1:{httpPort}/health/live"),
        LogPath = Path.Combine(directory, $"storage-node-{index + 1}.log"),
    };
}
