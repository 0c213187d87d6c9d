using PairDb.Client.Tooling;
using PairDb.Client.Tooling.Security;
using PairDb.Contracts.Grpc;

namespace PairDb.Bench.Cluster;

/// <summary>A storage node process of a scratch cluster and its loopback ports.</summary>
public sealed record ScratchNode(string NodeId, int GrpcPort, int HttpPort, HostProcess Host, string Scheme = "http")
{
    public Uri Admin => new($"{Scheme}://127.0.0.1:{HttpPort}");
}

/// <summary>
/// PostgreSQL, a coordinator (with --migrate) and three storage nodes started with the shared
/// launcher in a scratch directory, nodes registered; optionally spare nodes started but not registered
/// (for AddStorageNode). Secure on request: a CA, member certificates and operator token in the scratch
/// directory (the same files as <c>./pairdb up</c>), hosts serving TLS with authentication, and an API key of
/// <see cref="KvDriver.Tenant"/>. Disposing stops them all and removes the directory.
/// </summary>
public sealed class ScratchCluster : IAsyncDisposable
{
    private const string CoordinatorClientId = "pairdb-coordinator";
    private const int Members = 3;
    private readonly string _directory;
    private readonly LocalPostgres _postgres;
    private readonly List<HostProcess> _hosts;
    private readonly List<ScratchNode> _nodes;
    private readonly HostSpec[] _nodeSpecs;

    private ScratchCluster(string directory, LocalPostgres postgres, List<HostProcess> hosts, ClusterAccess access, int coordinatorGrpcPort, int coordinatorHttpPort, List<ScratchNode> nodes, HostSpec[] nodeSpecs)
    {
        _directory = directory;
        _postgres = postgres;
        _hosts = hosts;
        _nodes = nodes;
        _nodeSpecs = nodeSpecs;
        Access = access;
        Target = $"127.0.0.1:{coordinatorGrpcPort}";
        Endpoint = access.Url("127.0.0.1", coordinatorGrpcPort);
        CoordinatorAdmin = access.Url("127.0.0.1", coordinatorHttpPort);
    }

    /// <summary>The coordinator's gRPC endpoint, HOST:PORT.</summary>
    public string Target { get; }

    /// <summary>The coordinator's gRPC endpoint with its scheme (https when secure).</summary>
    public Uri Endpoint { get; }

    /// <summary>TLS trust and the operator token when secure; plaintext otherwise.</summary>
    public ClusterAccess Access { get; }

    /// <summary>An API key of <see cref="KvDriver.Tenant"/> when secure; null otherwise.</summary>
    public string? TenantKey { get; private set; }

    /// <summary>The coordinator's HTTP admin endpoint (operator API, /metrics).</summary>
    public Uri CoordinatorAdmin { get; }

    public IReadOnlyList<HostProcess> Hosts => _hosts;

    /// <summary>The registered nodes first (storage-node-1..3), then the spare ones.</summary>
    public IReadOnlyList<ScratchNode> Nodes => _nodes;

    /// <summary>The metadata database (superuser, loopback): for the runbook's SQL, e.g. the hint backlog.</summary>
    public string PostgresConnectionString => _postgres.ConnectionString;

    public string Directory => _directory;

    public static Task<ScratchCluster> StartAsync(TextWriter log, bool secure = false) =>
        StartAsync(log, Path.GetTempPath(), spareNodes: 0, coordinatorArguments: [], secure);

    /// <param name="parentDirectory">Where the scratch directory is made.</param>
    /// <param name="spareNodes">Nodes started after the three members but not registered.</param>
    /// <param name="coordinatorArguments">Extra configuration for the coordinator, e.g. <c>--PairDb:Topology:...</c>.</param>
    /// <param name="secure">TLS and authentication on every host, as <c>./pairdb up</c> without --insecure.</param>
    public static async Task<ScratchCluster> StartAsync(TextWriter log, string parentDirectory, int spareNodes, IReadOnlyList<string> coordinatorArguments, bool secure = false)
    {
        var directory = Path.Combine(parentDirectory, "pairdb-bench-cluster-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        var root = HostAssemblies.FindRepositoryRoot(AppContext.BaseDirectory);
        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var total = Members + spareNodes;
        log.WriteLine($"starting PostgreSQL, a coordinator and {total} storage nodes ({spareNodes} spare) in {directory}, {(secure ? "secure (TLS, authentication)" : "insecure")}");
        var files = new ClusterSecretFiles(directory);
        if (secure)
        {
            files.EnsureCaAndOperatorToken();
        }
        var access = secure ? ClusterAccess.For(directory) : ClusterAccess.Plaintext;
        var postgres = await LocalPostgres.StartAsync(new LocalPostgresOptions { RootDirectory = Path.Combine(directory, "postgres"), Durable = false });
        var hosts = new List<HostProcess>();
        var starts = new List<Task<HostProcess>>(total);
        try
        {
            var nodeAssembly = HostAssemblies.Locate(root, HostKind.StorageNode, configuration);
            var nodePorts = FreePort.Next(2 * total);
            var nodeSpecs = new HostSpec[total];
            for (var i = 0; i < total; i++)
            {
                nodeSpecs[i] = NodeSpec(directory, nodeAssembly, i, nodePorts[2 * i], nodePorts[2 * i + 1], access);
                starts.Add(HostLauncher.StartAsync(nodeSpecs[i]));
            }
            var ports = FreePort.Next(2);
            hosts.Add(await HostLauncher.StartAsync(new HostSpec
            {
                Name = "coordinator",
                AssemblyPath = HostAssemblies.Locate(root, HostKind.Coordinator, configuration),
                Arguments =
                [
                    "--migrate",
                    "--PairDb:Coordinator:ListenAddress=127.0.0.1",
                    $"--PairDb:Coordinator:GrpcPort={ports[0]}",
                    $"--PairDb:Coordinator:HttpPort={ports[1]}",
                    "--PairDb:Coordinator:StateDirectory=" + Path.Combine(directory, "coordinator"),
                    "--Logging:LogLevel:Default=Warning",
                    .. SecurityArguments(access, ClusterSecretFiles.CoordinatorHostId),
                    .. coordinatorArguments,
                ],
                // Secrets stay off command lines (readable by every local user); the environment is ours alone.
                Environment = new Dictionary<string, string> { ["ConnectionStrings__Metadata"] = postgres.ConnectionString },
                HealthUrl = new Uri(access.Url("127.0.0.1", ports[1]), "/health/live"),
                TrustedCa = access.Ca,
                LogPath = Path.Combine(directory, "coordinator.log"),
            }));
            var nodeHosts = await Task.WhenAll(starts);
            starts.Clear();
            hosts.AddRange(nodeHosts);
            var nodes = new List<ScratchNode>(total);
            for (var i = 0; i < total; i++)
            {
                nodes.Add(new ScratchNode($"storage-node-{i + 1}", nodePorts[2 * i], nodePorts[2 * i + 1], nodeHosts[i], access.Scheme));
            }
            using var channel = access.OperatorChannel(access.Url("127.0.0.1", ports[0]));
            var admin = new CoordinatorService.CoordinatorServiceClient(channel);
            for (var i = 0; i < Members; i++)
            {
                await admin.AddStorageNodeAsync(new AddStorageNodeRequest
                {
                    NodeId = $"storage-node-{i + 1}", Host = "127.0.0.1", Port = (uint)nodePorts[2 * i], HttpPort = (uint)nodePorts[2 * i + 1],
                });
            }
            var cluster = new ScratchCluster(directory, postgres, hosts, access, ports[0], ports[1], nodes, nodeSpecs);
            if (secure)
            {
                cluster.TenantKey = await TenantKeyApi.CreateAsync(access, cluster.CoordinatorAdmin, KvDriver.Tenant, CancellationToken.None);
            }
            return cluster;
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

    /// <summary>Stops PostgreSQL (fast shutdown): the start of an outage.</summary>
    public Task StopPostgresAsync() => _postgres.StopAsync();

    /// <summary>Starts PostgreSQL again with its data on the same port: the end of an outage.</summary>
    public Task StartPostgresAsync() => _postgres.StartAgainAsync();

    /// <summary>SIGKILL of the node at <paramref name="index"/> in <see cref="Nodes"/>.</summary>
    public void KillNode(int index) => _nodes[index].Host.Kill();

    /// <summary>Starts the node at <paramref name="index"/> again, same ports and data (after <see cref="KillNode"/>).</summary>
    public async Task RestartNodeAsync(int index)
    {
        var dead = _nodes[index].Host;
        var host = await HostLauncher.StartAsync(_nodeSpecs[index]);
        _hosts[_hosts.IndexOf(dead)] = host;
        _nodes[index] = _nodes[index] with { Host = host };
        await dead.DisposeAsync();
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

    private static HostSpec NodeSpec(string directory, string assembly, int index, int grpcPort, int httpPort, ClusterAccess access) => new()
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
            // Insecure: the coordinator is trusted by the id it names. Secure: by its member certificate.
            .. access.Secure ? SecurityArguments(access, $"storage-node-{index + 1}") : ["--PairDb:StorageNode:Validation:TrustedClients:0=" + CoordinatorClientId],
            "--Logging:LogLevel:Default=Warning",
        ],
        HealthUrl = new Uri(access.Url("127.0.0.1", httpPort), "/health/live"),
        TrustedCa = access.Ca,
        LogPath = Path.Combine(directory, $"storage-node-{index + 1}.log"),
    };

    /// <summary>The host's <c>PairDb:Security</c> arguments (issuing its certificate); none when insecure.</summary>
    private static IReadOnlyList<string> SecurityArguments(ClusterAccess access, string hostId)
    {
        if (access.Files is not { } files)
        {
            return [];
        }
        files.EnsureMember(hostId);
        return files.HostArguments(hostId);
    }
}
