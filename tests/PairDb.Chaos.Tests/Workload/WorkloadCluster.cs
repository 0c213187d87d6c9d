using System.Globalization;
using System.Reflection;
using Grpc.Net.Client;
using PairDb.Client.Tooling;
using PairDb.Contracts.Grpc;
using PairDb.Testing;

namespace PairDb.Chaos.Tests.Workload;

/// <summary>
/// The essentials of a scratch cluster for the workload tests: a fresh database on the shared
/// PostgreSQL, a coordinator started with --migrate, and three storage nodes registered and NORMAL,
/// insecure on loopback. Disposing stops them and removes the directory.
/// </summary>
internal sealed class WorkloadCluster : IAsyncDisposable
{
    private const string CoordinatorClientId = "pairdb-coordinator";
    private const int Members = 3;
    private readonly PostgresDatabase _database;
    private readonly TestDirectory _directory;
    private readonly List<HostProcess> _hosts;

    private WorkloadCluster(PostgresDatabase database, TestDirectory directory, List<HostProcess> hosts, int grpcPort)
    {
        _database = database;
        _directory = directory;
        _hosts = hosts;
        Endpoint = new Uri($"http://127.0.0.1:{grpcPort}");
    }

    /// <summary>The coordinator's gRPC endpoint.</summary>
    public Uri Endpoint { get; }

    public static async Task<WorkloadCluster> StartAsync()
    {
        var database = await SharedPostgres.CreateDatabaseAsync();
        var directory = TestDirectory.Create("workload-cluster");
        var hosts = new List<HostProcess>();
        try
        {
            var root = HostAssemblies.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);
            var configuration = typeof(WorkloadCluster).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;
            var nodeAssembly = HostAssemblies.Locate(root, HostKind.StorageNode, configuration);
            var nodePorts = FreePort.Next(2 * Members);
            var starts = new List<Task<HostProcess>>();
            for (var i = 0; i < Members; i++)
            {
                starts.Add(HostLauncher.StartAsync(NodeSpec(directory, nodeAssembly, i, nodePorts[2 * i], nodePorts[2 * i + 1])));
            }
            var ports = FreePort.Next(2);
            var coordinator = HostLauncher.StartAsync(new HostSpec
            {
                Name = "coordinator",
                AssemblyPath = HostAssemblies.Locate(root, HostKind.Coordinator, configuration),
                Arguments =
                [
                    "--migrate",
                    "--PairDb:Coordinator:ListenAddress=127.0.0.1",
                    $"--PairDb:Coordinator:GrpcPort={ports[0]}",
                    $"--PairDb:Coordinator:HttpPort={ports[1]}",
                    "--PairDb:Coordinator:StateDirectory=" + directory.Combine("coordinator"),
                    "--Logging:LogLevel:Default=Warning",
                    // Its first SELECT 1 meets PostgreSQL while three nodes start on a small machine: a slow
                    // answer there must not read as an outage (with no ring snapshot yet, that ends the start).
                    "--PairDb:Metadata:ProbeTimeout=00:00:10",
                ],
                Environment = new Dictionary<string, string> { ["ConnectionStrings__Metadata"] = database.ConnectionString },
                HealthUrl = new Uri($"http://127.0.0.1:{ports[1]}/health/live"),
                LogPath = directory.Combine("coordinator.log"),
            });
            var all = starts.Append(coordinator).ToList();
            try
            {
                await Task.WhenAll(all);
            }
            finally
            {
                // Every start has ended here: whichever came up is stopped below if another failed.
                hosts.AddRange(all.Where(start => start.IsCompletedSuccessfully).Select(start => start.Result));
            }

            using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{ports[0]}");
            var admin = new CoordinatorService.CoordinatorServiceClient(channel);
            for (var i = 0; i < Members; i++)
            {
                await admin.AddStorageNodeAsync(new AddStorageNodeRequest
                {
                    NodeId = $"storage-node-{i + 1}", Host = "127.0.0.1", Port = (uint)nodePorts[2 * i], HttpPort = (uint)nodePorts[2 * i + 1],
                });
            }
            // A registered node bootstraps before it owns ranges; the workload starts on a settled ring.
            await WaitFor.ConditionAsync(async () =>
            {
                var listed = await admin.ListStorageNodesAsync(new ListStorageNodesRequest());
                return listed.Nodes.Count == Members && listed.Nodes.All(n => n.State == NodeState.Normal);
            }, "every node of the new cluster to finish its bootstrap (NORMAL)", TimeSpan.FromSeconds(60));
            return new WorkloadCluster(database, directory, hosts, ports[0]);
        }
        catch
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
            await database.DisposeAsync();
            directory.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
        await _database.DisposeAsync();
        _directory.Dispose();
    }

    private static HostSpec NodeSpec(TestDirectory directory, string assembly, int index, int grpcPort, int httpPort) => new()
    {
        Name = $"storage-node-{index + 1}",
        AssemblyPath = assembly,
        Arguments =
        [
            $"--PairDb:StorageNode:NodeId=storage-node-{index + 1}",
            "--PairDb:StorageNode:DataDirectory=" + directory.Combine($"node-{index + 1}"),
            "--PairDb:StorageNode:ListenAddress=127.0.0.1",
            "--PairDb:StorageNode:GrpcPort=" + grpcPort.ToString(CultureInfo.InvariantCulture),
            "--PairDb:StorageNode:HttpPort=" + httpPort.ToString(CultureInfo.InvariantCulture),
            // Insecure: the coordinator is trusted by the id it names.
            "--PairDb:StorageNode:Validation:TrustedClients:0=" + CoordinatorClientId,
            "--Logging:LogLevel:Default=Warning",
        ],
        HealthUrl = new Uri($"http://127.0.0.1:{httpPort}/health/live"),
        LogPath = directory.Combine($"storage-node-{index + 1}.log"),
    };
}
