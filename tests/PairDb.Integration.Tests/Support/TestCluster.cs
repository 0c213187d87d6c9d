using System.Reflection;
using Grpc.Net.Client;
using Npgsql;
using PairDb.Client.Tooling;
using PairDb.Contracts.Grpc;
using PairDb.Testing;

namespace PairDb.Integration.Tests.Support;

/// <summary>
/// A real cluster for one test fixture: a fresh database on the assembly's PostgreSQL, a
/// coordinator process started with --migrate, and three storage node processes registered with it.
/// Timings are shortened (probe, breaker, replay) so failures are noticed within a second or two.
/// An outage test gives it a database on a PostgreSQL server of its own (which it stops and starts);
/// the cluster then leaves that database alone when disposed.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    public const string Tenant = "tenant-a";
    private readonly PostgresDatabase? _database;
    private readonly string _connectionString;
    private readonly TestDirectory _directory;
    private readonly HostSpec _coordinatorSpec;
    private readonly IReadOnlyDictionary<string, string>? _coordinatorSettings;
    private readonly List<ClusterNode> _extraNodes = [];
    private readonly GrpcChannel _channel;
    private HostProcess? _coordinator;

    private TestCluster(PostgresDatabase? database, string connectionString, TestDirectory directory, HostSpec coordinatorSpec, IReadOnlyDictionary<string, string>? coordinatorSettings, HostProcess coordinator, int grpcPort, int httpPort, ClusterNode[] nodes)
    {
        _database = database;
        _connectionString = connectionString;
        _directory = directory;
        _coordinatorSpec = coordinatorSpec;
        _coordinatorSettings = coordinatorSettings;
        _coordinator = coordinator;
        CoordinatorHttpPort = httpPort;
        CoordinatorGrpcPort = grpcPort;
        Nodes = nodes;
        // No receive limit of its own: what the tests check is the servers' message budget, not this client's.
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}", new GrpcChannelOptions { MaxReceiveMessageSize = null });
        KeyValue = new KeyValueService.KeyValueServiceClient(_channel);
    }

    public KeyValueService.KeyValueServiceClient KeyValue { get; }

    /// <summary>The channel to the coordinator's gRPC port (it reconnects after a coordinator restart).</summary>
    public GrpcChannel Channel => _channel;

    public ClusterNode[] Nodes { get; }

    public int CoordinatorHttpPort { get; }

    public int CoordinatorGrpcPort { get; }

    /// <summary>The metadata database the coordinator uses.</summary>
    public string ConnectionString => _connectionString;

    /// <summary>The coordinator process's id (for /proc readings such as its resident memory).</summary>
    public int CoordinatorPid => _coordinator?.Pid ?? throw new InvalidOperationException("the coordinator is not running");

    /// <summary>
    /// Starts the cluster. <paramref name="nodeSettings"/> adds settings to one node (by index);
    /// <paramref name="coordinatorSettings"/> overrides coordinator settings;
    /// <paramref name="metadataConnectionString"/> is a database the caller owns (default: a fresh one on the assembly's PostgreSQL);
    /// <paramref name="nodeEnvironment"/> and <paramref name="coordinatorEnvironment"/> add environment variables to a node's
    /// (by index) or the coordinator's process (e.g. <see cref="FakeTime"/>'s).
    /// </summary>
    public static async Task<TestCluster> StartAsync(
        IReadOnlyDictionary<int, IReadOnlyDictionary<string, string>>? nodeSettings = null,
        IReadOnlyDictionary<string, string>? coordinatorSettings = null,
        string? metadataConnectionString = null,
        IReadOnlyDictionary<int, IReadOnlyDictionary<string, string>>? nodeEnvironment = null,
        IReadOnlyDictionary<string, string>? coordinatorEnvironment = null)
    {
        var database = metadataConnectionString is null ? await SharedPostgres.CreateDatabaseAsync() : null;
        var connectionString = metadataConnectionString ?? database!.ConnectionString;
        var directory = TestDirectory.Create("cluster");
        var root = HostAssemblies.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);
        var configuration = typeof(TestCluster).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;
        var nodeAssembly = HostAssemblies.Locate(root, HostKind.StorageNode, configuration);
        var starts = new Task<ClusterNode>[3];
        for (var i = 0; i < starts.Length; i++)
        {
            var settings = nodeSettings?.GetValueOrDefault(i) ?? new Dictionary<string, string>();
            starts[i] = ClusterNode.StartAsync($"storage-node-{i + 1}", directory.Combine($"node-{i + 1}"), nodeAssembly, settings, nodeEnvironment?.GetValueOrDefault(i));
        }
        var ports = FreePort.Next(2);
        var coordinatorSpec = new HostSpec
        {
            Name = "coordinator",
            AssemblyPath = HostAssemblies.Locate(root, HostKind.Coordinator, configuration),
            Arguments = CoordinatorArguments(connectionString, ports[0], ports[1], directory.Combine("coordinator-state"), coordinatorSettings),
            Environment = coordinatorEnvironment ?? new Dictionary<string, string>(),
            HealthUrl = new Uri($"http://127.0.0.1:{ports[1]}/health/live"),
            LogPath = directory.Combine("coordinator.log"),
        };
        HostProcess coordinator;
        try
        {
            coordinator = await HostLauncher.StartAsync(coordinatorSpec);
        }
        catch
        {
            // The nodes started alongside would outlive the failed test (and load every later one): stop them.
            foreach (var start in starts)
            {
                try
                {
                    await (await start).DisposeAsync();
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    TestContext.Progress.WriteLine($"a storage node of the failed cluster did not start or stop: {e.Message}");
                }
            }
            throw;
        }
        var nodes = await Task.WhenAll(starts);
        var cluster = new TestCluster(database, connectionString, directory, coordinatorSpec, coordinatorSettings, coordinator, ports[0], ports[1], nodes);
        var admin = new CoordinatorService.CoordinatorServiceClient(cluster._channel);
        foreach (var node in nodes)
        {
            await admin.AddStorageNodeAsync(new AddStorageNodeRequest
            {
                NodeId = node.NodeId, Host = "127.0.0.1", Port = (uint)node.GrpcPort, HttpPort = (uint)node.HttpPort,
            });
        }
        // A registered node bootstraps before it owns ranges; tests start from a settled ring.
        await Eventually.WaitAsync(async () =>
        {
            var listed = await admin.ListStorageNodesAsync(new ListStorageNodesRequest());
            return listed.Nodes.Count == nodes.Length && listed.Nodes.All(n => n.State == NodeState.Normal);
        }, "every node of the new cluster to finish its bootstrap (NORMAL)", TimeSpan.FromSeconds(60));
        return cluster;
    }

    /// <summary>Starts another storage node process in the cluster's directory, not registered (disposed with the cluster).</summary>
    public async Task<ClusterNode> StartExtraNodeAsync(string nodeId, IReadOnlyDictionary<string, string>? settings = null)
    {
        var root = HostAssemblies.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);
        var configuration = typeof(TestCluster).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;
        var node = await ClusterNode.StartAsync(nodeId, _directory.Combine(nodeId), HostAssemblies.Locate(root, HostKind.StorageNode, configuration),
            settings ?? new Dictionary<string, string>());
        _extraNodes.Add(node);
        return node;
    }

    /// <summary>SIGKILL of the coordinator: no shutdown code runs.</summary>
    public void KillCoordinator() => _coordinator?.Kill();

    /// <summary>Starts the coordinator again with the same ports, database and settings (after <see cref="KillCoordinator"/>).</summary>
    public async Task RestartCoordinatorAsync()
    {
        // Cleared first: when the new process does not start, disposing the cluster must not touch the old one again.
        if (_coordinator is { } dead)
        {
            _coordinator = null;
            await dead.DisposeAsync();
        }
        _coordinator = await HostLauncher.StartAsync(_coordinatorSpec);
    }

    /// <summary>
    /// A second coordinator of the same database and settings that never ran: its own ports, an empty state
    /// directory (no ring snapshot, no hint spool). Not started; the caller launches and disposes it.
    /// </summary>
    public HostSpec NewCoordinatorSpec(string name) => NewCoordinatorSpec(name, new Dictionary<string, string>(), out _);

    /// <summary>As <see cref="NewCoordinatorSpec(string)"/>, with extra environment variables (e.g. <see cref="FakeTime"/>'s) and its gRPC port.</summary>
    public HostSpec NewCoordinatorSpec(string name, IReadOnlyDictionary<string, string> environment, out int grpcPort)
    {
        var ports = FreePort.Next(2);
        grpcPort = ports[0];
        return new HostSpec
        {
            Name = name,
            AssemblyPath = _coordinatorSpec.AssemblyPath,
            Arguments = CoordinatorArguments(_connectionString, ports[0], ports[1], _directory.Combine(name + "-state"), _coordinatorSettings),
            Environment = environment,
            HealthUrl = new Uri($"http://127.0.0.1:{ports[1]}/health/live"),
            LogPath = _directory.Combine(name + ".log"),
        };
    }

    public async Task<long> HintCountAsync(string? targetNodeId = null) =>
        await ScalarAsync<long>(targetNodeId is null
            ? "SELECT COUNT(*) FROM hints"
            : $"SELECT COUNT(*) FROM hints WHERE target_node_id = '{targetNodeId}'");

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The coordinator's /metrics text.</summary>
    public async Task<string> MetricsAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync($"http://127.0.0.1:{CoordinatorHttpPort}/metrics");
    }

    public string CoordinatorLog() => LogTail.Read(_coordinatorSpec.LogPath, 300);

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        if (_coordinator is not null)
        {
            await _coordinator.DisposeAsync();
        }
        foreach (var node in Nodes.Concat(_extraNodes))
        {
            await node.DisposeAsync();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
        _directory.Dispose();
    }

    private static List<string> CoordinatorArguments(string connectionString, int grpcPort, int httpPort, string stateDirectory, IReadOnlyDictionary<string, string>? overrides)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Metadata"] = connectionString,
            ["PairDb:Coordinator:ListenAddress"] = "127.0.0.1",
            ["PairDb:Coordinator:GrpcPort"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PairDb:Coordinator:HttpPort"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PairDb:Coordinator:StateDirectory"] = stateDirectory,
            ["PairDb:HealthProbe:Interval"] = "00:00:00.250",
            ["PairDb:HealthProbe:Timeout"] = "00:00:00.500",
            ["PairDb:Replication:ReplicaTimeout"] = "00:00:01",
            ["PairDb:Replication:BreakerBreakDuration"] = "00:00:01",
            ["PairDb:Hints:ReplayInterval"] = "00:00:00.500",
            ["PairDb:Hints:RetryBackoff"] = "00:00:00.200",
            ["PairDb:Hints:ReplayRatePerSecond"] = "50000",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }
        var arguments = new List<string> { "--migrate" };
        foreach (var (key, value) in settings)
        {
            arguments.Add($"--{key}={value}");
        }
        return arguments;
    }
}
