using Grpc.Net.Client;
using PairDb.Client.Tooling;
using PairDb.Contracts.Grpc;

namespace PairDb.Bench.Cluster;

/// <summary>
/// PostgreSQL, a coordinator (with --migrate) and three storage nodes started with the shared
/// launcher in a scratch directory, nodes registered; disposing stops them all and removes the directory.
/// </summary>
public sealed class ScratchCluster : IAsyncDisposable
{
    private const string CoordinatorClientId = "pairdb-coordinator";
    private readonly string _directory;
    private readonly LocalPostgres _postgres;
    private readonly List<HostProcess> _hosts;

    private ScratchCluster(string directory, LocalPostgres postgres, List<HostProcess> hosts, string target)
    {
        _directory = directory;
        _postgres = postgres;
        _hosts = hosts;
        Target = target;
    }

    /// <summary>The coordinator's gRPC endpoint, HOST:PORT.</summary>
    public string Target { get; }

    public IReadOnlyList<HostProcess> Hosts => _hosts;

    public static async Task<ScratchCluster> StartAsync(TextWriter log)
    {
        var directory = Path.Combine(Path.GetTempPath(), "pairdb-bench-cluster-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var root = HostAssemblies.FindRepositoryRoot(AppContext.BaseDirectory);
        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        log.WriteLine($"starting PostgreSQL, a coordinator and 3 storage nodes in {directory}");
        var postgres = await LocalPostgres.StartAsync(new LocalPostgresOptions { RootDirectory = Path.Combine(directory, "postgres"), Durable = false });
        var hosts = new List<HostProcess>();
        try
        {
            var nodeAssembly = HostAssemblies.Locate(root, HostKind.StorageNode, configuration);
            var nodePorts = FreePort.Next(6);
            var starts = new Task<HostProcess>[3];
            for (var i = 0; i < 3; i++)
            {
                starts[i] = HostLauncher.StartAsync(NodeSpec(directory, nodeAssembly, i, nodePorts[2 * i], nodePorts[2 * i + 1]));
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
                ],
                HealthUrl = new Uri($"http://127.0.0.1:{ports[1]}/health/live"),
                LogPath = Path.Combine(directory, "coordinator.log"),
            }));
            hosts.AddRange(await Task.WhenAll(starts));
            var target = $"127.0.0.1:{ports[0]}";
            using var channel = GrpcChannel.ForAddress("http://" + target);
            var admin = new CoordinatorService.CoordinatorServiceClient(channel);
            for (var i = 0; i < 3; i++)
            {
                await admin.AddStorageNodeAsync(new AddStorageNodeRequest
                {
                    NodeId = $"storage-node-{i + 1}", Host = "127.0.0.1", Port = (uint)nodePorts[2 * i], HttpPort = (uint)nodePorts[2 * i + 1],
                });
            }
            return new ScratchCluster(directory, postgres, hosts, target);
        }
        catch
        {
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
            Directory.Delete(_directory, recursive: true);
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
