using PairDb.Chaos.Network;
using PairDb.Client.Tooling;
using PairDb.Contracts.Grpc;

namespace PairDb.Chaos.Cluster;

/// <summary>
/// PostgreSQL, the coordinators and the storage nodes of one chaos run, insecure (plaintext, no authentication:
/// chaos is about faults, not access control), each in its own network namespace when the layout has them. Modelled
/// on bench/Cluster/ScratchCluster.cs; unlike it, every process can be paused, killed, restarted, restarted under a
/// skewed clock, and a node's data directory can be a small tmpfs. Disposing stops everything and unmounts.
/// </summary>
public sealed partial class ChaosCluster : IAsyncDisposable
{
    private const int TmpfsMiB = 64;
    private readonly Dictionary<string, ClusterHost> _hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TmpfsVolume> _volumes = new(StringComparer.Ordinal);
    private readonly TextWriter _log;
    private LocalPostgres? _postgres;

    private ChaosCluster(NetworkLayout layout, string directory, TextWriter log)
    {
        Layout = layout;
        Directory = directory;
        _log = log;
    }

    public NetworkLayout Layout { get; }

    public string Directory { get; }

    public string PostgresConnectionString => _postgres!.ConnectionString;

    /// <summary>The coordinators' gRPC endpoints (KeyValueService, CoordinatorService).</summary>
    public IReadOnlyList<Uri> CoordinatorEndpoints => Layout.Coordinators.Select(c => c.Grpc).ToArray();

    /// <param name="volumes">Put each node's data directory on a small tmpfs (for the disk-full fault; needs root).</param>
    public static async Task<ChaosCluster> StartAsync(NetworkLayout layout, string directory, bool volumes, TextWriter log, CancellationToken ct)
    {
        var cluster = new ChaosCluster(layout, directory, log);
        try
        {
            await cluster.StartAllAsync(volumes, ct);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartAllAsync(bool volumes, CancellationToken ct)
    {
        var root = HostAssemblies.FindRepositoryRoot(AppContext.BaseDirectory);
        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var pg = Layout.Postgres;
        _postgres = await LocalPostgres.StartAsync(new LocalPostgresOptions
        {
            RootDirectory = Path.Combine(Directory, "postgres"),
            Durable = false,
            Port = pg.GrpcPort,
            ListenAddress = pg.Address,
            TrustedNetwork = Layout.HasNetwork ? NetworkLayout.Subnet : null,
            CommandPrefix = Prefix(pg),
        }, ct);
        _log.WriteLine($"postgres up on {pg.Address}:{pg.GrpcPort}");

        var nodeAssembly = HostAssemblies.Locate(root, HostKind.StorageNode, configuration);
        foreach (var node in Layout.Nodes)
        {
            string dataDirectory;
            if (volumes)
            {
                var volume = await TmpfsVolume.MountAsync(Path.Combine(Directory, node.Name + "-volume"), TmpfsMiB);
                _volumes[node.Name] = volume;
                dataDirectory = volume.DataDirectory;
            }
            else
            {
                dataDirectory = Path.Combine(Directory, node.Name);
            }
            _hosts[node.Name] = new ClusterHost(node, NodeSpec(node, nodeAssembly, dataDirectory, volumes));
        }
        var coordinatorAssembly = HostAssemblies.Locate(root, HostKind.Coordinator, configuration);
        foreach (var coordinator in Layout.Coordinators)
        {
            _hosts[coordinator.Name] = new ClusterHost(coordinator, CoordinatorSpec(coordinator, coordinatorAssembly));
        }

        var nodes = Task.WhenAll(Layout.Nodes.Select(n => StartHostAsync(_hosts[n.Name], ct)));
        // The first coordinator applies the migrations alone; the others find them applied.
        foreach (var coordinator in Layout.Coordinators)
        {
            await StartHostAsync(_hosts[coordinator.Name], ct);
        }
        await nodes;
        _log.WriteLine($"{Layout.Coordinators.Count()} coordinator(s) and {Layout.Nodes.Count()} nodes up; registering the nodes");

        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(CoordinatorEndpoints[0]);
        var admin = new CoordinatorService.CoordinatorServiceClient(channel);
        foreach (var node in Layout.Nodes)
        {
            await admin.AddStorageNodeAsync(new AddStorageNodeRequest
            {
                NodeId = node.Name, Host = node.Address, Port = (uint)node.GrpcPort, HttpPort = (uint)node.HttpPort,
            }, cancellationToken: ct);
        }
        await WaitHealthyAsync(TimeSpan.FromMinutes(3), ct);
    }

    /// <summary>
    /// Waits until every coordinator sees every node NORMAL and UP; throws <see cref="TimeoutException"/> naming
    /// what was still missing.
    /// </summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "no coordinator answered yet";
        while (true)
        {
            var missing = new List<string>();
            foreach (var coordinator in Layout.Coordinators)
            {
                try
                {
                    using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(coordinator.Grpc);
                    var admin = new CoordinatorService.CoordinatorServiceClient(channel);
                    var reply = await admin.ListStorageNodesAsync(new ListStorageNodesRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
                    foreach (var node in Layout.Nodes)
                    {
                        var info = reply.Nodes.FirstOrDefault(n => n.NodeId == node.Name);
                        if (info is null || info.State != NodeState.Normal || info.Status != NodeStatus.Up)
                        {
                            missing.Add($"{coordinator.Name} sees {node.Name} {info?.State.ToString() ?? "unregistered"}/{info?.Status.ToString() ?? "-"}");
                        }
                    }
                }
                catch (Grpc.Core.RpcException e)
                {
                    missing.Add($"{coordinator.Name} did not answer ListStorageNodes: {e.Status.StatusCode} {e.Status.Detail}");
                }
            }
            if (missing.Count == 0)
            {
                return;
            }
            last = string.Join("; ", missing);
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the cluster was not healthy (every node NORMAL and UP at every coordinator) within {timeout.TotalSeconds:0}s: {last}");
            }
            await Task.Delay(500, ct);
        }
    }

    private async Task StartHostAsync(ClusterHost host, CancellationToken ct, IReadOnlyDictionary<string, string>? environment = null)
    {
        var spec = environment is null ? host.Spec : WithEnvironment(host.Spec, environment);
        host.Process = await HostLauncher.StartAsync(spec, ct);
    }

    private static HostSpec WithEnvironment(HostSpec spec, IReadOnlyDictionary<string, string> environment) => new()
    {
        Name = spec.Name, AssemblyPath = spec.AssemblyPath, Arguments = spec.Arguments, CommandPrefix = spec.CommandPrefix,
        Environment = spec.Environment.Concat(environment).ToDictionary(), HealthUrl = spec.HealthUrl, LogPath = spec.LogPath,
        StartTimeout = spec.StartTimeout,
    };

    private static IReadOnlyList<string> Prefix(Member member) => member.Namespace is { } ns ? ["ip", "netns", "exec", ns] : [];

    private HostSpec NodeSpec(Member node, string assembly, string dataDirectory, bool smallVolume) => new()
    {
        Name = node.Name,
        AssemblyPath = assembly,
        CommandPrefix = Prefix(node),
        Arguments =
        [
            $"--PairDb:StorageNode:NodeId={node.Name}",
            "--PairDb:StorageNode:DataDirectory=" + dataDirectory,
            $"--PairDb:StorageNode:ListenAddress={node.Address}",
            $"--PairDb:StorageNode:GrpcPort={node.GrpcPort}",
            $"--PairDb:StorageNode:HttpPort={node.HttpPort}",
            "--PairDb:StorageNode:Validation:TrustedClients:0=pairdb-coordinator",
            // Plaintext without authentication on a namespace address (not loopback) must be asked for.
            "--PairDb:Security:Insecure=true",
            "--Logging:LogLevel:Default=Warning",
            // On a 64 MiB tmpfs the disk manager must notice a full disk fast, and the engine's files must be small
            // enough that the workload's data leaves room (DiskFullTmpfsTests uses the same settings).
            .. smallVolume
                ? (string[])
                [
                    "--PairDb:StorageNode:Disk:SampleInterval=00:00:00.200",
                    "--PairDb:StorageNode:Engine:CommitLogSegmentBytes=1048576",
                    "--PairDb:StorageNode:Engine:MemtableSizeBytes=1048576",
                    "--PairDb:StorageNode:Engine:Compaction:TargetFileSizeBytes=1048576",
                ]
                : [],
        ],
        HealthUrl = new Uri(node.Http, "/health/live"),
        LogPath = Path.Combine(Directory, node.Name + ".log"),
    };

    private HostSpec CoordinatorSpec(Member coordinator, string assembly) => new()
    {
        Name = coordinator.Name,
        AssemblyPath = assembly,
        CommandPrefix = Prefix(coordinator),
        Arguments =
        [
            "--migrate",
            $"--PairDb:Coordinator:ListenAddress={coordinator.Address}",
            $"--PairDb:Coordinator:GrpcPort={coordinator.GrpcPort}",
            $"--PairDb:Coordinator:HttpPort={coordinator.HttpPort}",
            "--PairDb:Coordinator:StateDirectory=" + Path.Combine(Directory, coordinator.Name),
            // Unique and stable across restarts (the default derives it from the machine name and the port, which
            // every namespace shares).
            $"--PairDb:Jobs:InstanceId={coordinator.Name}",
            "--PairDb:Security:Insecure=true",
            // A first start (no ring snapshot yet) gets one probe of PostgreSQL; 2 s (the default) was too short for
            // a cold Npgsql on a machine at load 40.
            "--PairDb:Metadata:ProbeTimeout=00:00:05",
            "--Logging:LogLevel:Default=Warning",
        ],
        Environment = new Dictionary<string, string> { ["ConnectionStrings__Metadata"] = _postgres!.ConnectionString },
        HealthUrl = new Uri(coordinator.Http, "/health/live"),
        LogPath = Path.Combine(Directory, coordinator.Name + ".log"),
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts.Values)
        {
            if (host.Process is { } process)
            {
                UnixSignal.Send(process.Pid, UnixSignal.ContinueSignal);
                await process.DisposeAsync();
            }
        }
        if (_postgres is not null)
        {
            _postgres.Signal(UnixSignal.ContinueSignal);
            try
            {
                await _postgres.DisposeAsync();
            }
            catch (LocalPostgresException e)
            {
                _log.WriteLine($"postgres did not stop cleanly: {e.Message}");
            }
        }
        foreach (var volume in _volumes.Values)
        {
            await volume.UnmountAsync();
        }
    }
}
