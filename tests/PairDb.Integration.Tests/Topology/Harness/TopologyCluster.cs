using System.Reflection;
using Grpc.Net.Client;
using PairDb.Client.Tooling;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using PairDb.Testing;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>
/// A real cluster for one topology test: a fresh database on the assembly's PostgreSQL, a coordinator
/// process (restartable, killable with SIGKILL, same ports and database) and storage node processes
/// that the test starts, registers, kills and restarts. The initial nodes are registered one by one,
/// each waited for until NORMAL, so a test starts from a settled ring.
/// </summary>
internal sealed partial class TopologyCluster : IAsyncDisposable
{
    public const string Tenant = "tenant-topo";
    public const int ReplicationFactor = 3;
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    private readonly PostgresDatabase? _database;
    private readonly TestDirectory _directory;
    private readonly string _coordinatorAssembly;
    private readonly string _nodeAssembly;
    private readonly List<string> _coordinatorArguments;
    private readonly List<ClusterNode> _nodes = [];
    private readonly GrpcChannel _channel;
    private HostProcess? _coordinator;

    private TopologyCluster(TopologySettings settings, PostgresDatabase? database, string connectionString, TestDirectory directory, string coordinatorAssembly, string nodeAssembly)
    {
        Settings = settings;
        _database = database;
        ConnectionString = connectionString;
        _directory = directory;
        _coordinatorAssembly = coordinatorAssembly;
        _nodeAssembly = nodeAssembly;
        var ports = FreePort.Next(2);
        CoordinatorGrpcPort = ports[0];
        CoordinatorHttpPort = ports[1];
        _coordinatorArguments = ["--migrate"];
        foreach (var (key, value) in settings.CoordinatorSettings(connectionString, CoordinatorGrpcPort, CoordinatorHttpPort, directory.Combine("coordinator-state")))
        {
            _coordinatorArguments.Add($"--{key}={value}");
        }
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{CoordinatorGrpcPort}");
        KeyValue = new KeyValueService.KeyValueServiceClient(_channel);
        Admin = new CoordinatorService.CoordinatorServiceClient(_channel);
        Operator = new OperatorApi(CoordinatorHttpPort);
    }

    public TopologySettings Settings { get; }

    public KeyValueService.KeyValueServiceClient KeyValue { get; }

    public CoordinatorService.CoordinatorServiceClient Admin { get; }

    /// <summary>The coordinator's operator HTTP API (runbook 3).</summary>
    public OperatorApi Operator { get; }

    public int CoordinatorGrpcPort { get; }

    public int CoordinatorHttpPort { get; }

    public string ConnectionString { get; }

    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    public bool CoordinatorRunning
    {
        get
        {
            try
            {
                return _coordinator is { HasExited: false };
            }
            catch (InvalidOperationException)
            {
                // Disposed by a restart between the read of the field and the question.
                return false;
            }
        }
    }

    /// <summary>Since the cluster started; phases of a test are logged against it.</summary>
    public System.Diagnostics.Stopwatch Clock { get; } = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>Writes a timestamped line to the test's progress output.</summary>
    public void Log(string message) => TestContext.Progress.WriteLine($"[{Clock.Elapsed.TotalSeconds,6:0.0}s] {message}");

    public ClusterNode Node(string nodeId) =>
        _nodes.Find(n => n.NodeId == nodeId) ?? throw new ArgumentException($"no process for storage node '{nodeId}'", nameof(nodeId));

    public static async Task<TopologyCluster> StartAsync(TopologySettings? settings = null)
    {
        settings ??= new TopologySettings();
        // A database the test owns (an outage test stops its server) is left alone when the cluster goes.
        var database = settings.MetadataConnectionString is null ? await SharedPostgres.CreateDatabaseAsync() : null;
        var directory = TestDirectory.Create("topology");
        var root = HostAssemblies.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);
        var configuration = typeof(TopologyCluster).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;
        var cluster = new TopologyCluster(settings, database, settings.MetadataConnectionString ?? database!.ConnectionString, directory,
            HostAssemblies.Locate(root, HostKind.Coordinator, configuration),
            HostAssemblies.Locate(root, HostKind.StorageNode, configuration));
        try
        {
            var starts = new Task<ClusterNode>[settings.InitialNodes];
            for (var i = 0; i < starts.Length; i++)
            {
                starts[i] = cluster.StartNodeAsync(NodeName(i + 1));
            }
            await cluster.StartCoordinatorAsync();
            cluster.Log("coordinator started");
            // All registered at once: their bootstraps queue behind each other in the coordinator, which
            // starts the next one as soon as one finishes (no polling round trip of the test in between).
            var nodes = await Task.WhenAll(starts);
            foreach (var node in nodes)
            {
                await cluster.RegisterAsync(node, settings.VirtualNodes);
            }
            await Until.DoneAsync(async () =>
            {
                var listed = await cluster.ListAsync();
                return (listed.Count == nodes.Length && listed.All(n => n.State == NodeState.Normal),
                    string.Join(", ", listed.Select(n => $"{n.NodeId} {n.State}")));
            }, "every initial node to finish its bootstrap (NORMAL)", SettleTimeout);
            cluster.Log($"cluster of {settings.InitialNodes} NORMAL nodes started");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public static string NodeName(int number) => $"storage-node-{number}";

    /// <summary>The coordinator's log tail and every node's, for failure messages.</summary>
    public string Logs(int lines = 60)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("--- coordinator ---").AppendLine(LogTail.Read(CoordinatorLogPath, lines));
        foreach (var node in _nodes)
        {
            text.AppendLine($"--- {node.NodeId} ---").AppendLine(LogTail.Read(Path.Combine(node.Directory, node.NodeId + ".log"), lines / 3));
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        Operator.Dispose();
        _channel.Dispose();
        if (_coordinator is not null)
        {
            await _coordinator.DisposeAsync();
        }
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
        var result = TestContext.CurrentContext.Result;
        if (result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed
            || result.Assertions.Any(a => a.Status == NUnit.Framework.Interfaces.AssertionStatus.Failed))
        {
            await TestContext.Progress.WriteLineAsync(Logs());
        }
        KeepLogs();
        _directory.Dispose();
    }

    /// <summary>With PAIRDB_TEST_KEEP_LOGS=dir, the processes' logs are copied there (per test) before the directory goes.</summary>
    private void KeepLogs()
    {
        var keep = Environment.GetEnvironmentVariable("PAIRDB_TEST_KEEP_LOGS");
        if (string.IsNullOrEmpty(keep))
        {
            return;
        }
        var target = Path.Combine(keep, Path.GetFileName(_directory.Path) + "-" + TestContext.CurrentContext.Test.Name);
        Directory.CreateDirectory(target);
        foreach (var log in Directory.EnumerateFiles(_directory.Path, "*.log", SearchOption.AllDirectories))
        {
            if (!Path.GetFileName(log).StartsWith("coordinator", StringComparison.Ordinal) && !Path.GetFileName(log).StartsWith("storage-node", StringComparison.Ordinal))
            {
                continue;
            }
            File.Copy(log, Path.Combine(target, Path.GetFileName(log)), overwrite: true);
        }
    }
}
