using PairDb.Client.Tooling.Security;

namespace PairDb.Client.Tooling.Cluster;

/// <summary>
/// A whole pairdb cluster on this machine, on loopback: PostgreSQL, one coordinator and N storage
/// nodes as background processes that outlive the command that started them. Every process is
/// recorded (PID, start time, command-line marker) in <c>cluster.json</c>, so <see cref="DownAsync"/>
/// stops exactly those and nothing else. Used by <c>./pairdb up/down/node</c>.
/// </summary>
public sealed partial class LocalCluster
{
    public const string DefaultNodePrefix = "node-";
    private const int DefaultNodeCount = 3;

    private readonly LocalClusterOptions _options;

    public LocalCluster(LocalClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        DataDirectory = Path.GetFullPath(options.DataDirectory);
    }

    public string DataDirectory { get; }

    public string LogDirectory => Path.Combine(DataDirectory, "logs");

    public string PostgresDirectory => Path.Combine(DataDirectory, "postgres");

    public string NodeDirectory(string nodeId) => Path.Combine(DataDirectory, "nodes", nodeId);

    /// <summary>The CA, certificates, operator token and tenant keys under the data directory.</summary>
    public ClusterSecretFiles SecretFiles => new(DataDirectory);

    /// <summary>The recorded state, or null when <c>up</c> never ran here.</summary>
    public ClusterState? LoadState() => ClusterState.TryLoad(DataDirectory);

    /// <summary>
    /// Starts whatever is not running (everything, the first time), registers the nodes and waits until
    /// the coordinator sees every node UP and NORMAL. Running processes are left alone.
    /// </summary>
    public async Task<UpResult> UpAsync(CancellationToken cancellationToken = default)
    {
        using var held = ClusterLock.Acquire(DataDirectory);
        Directory.CreateDirectory(LogDirectory);
        var state = LoadState() ?? NewState();
        if (_options.BasePort is { } requested && requested != state.BasePort)
        {
            throw new ClusterException(
                $"the cluster in {DataDirectory} uses base port {state.BasePort}, not {requested}: " +
                $"run `./pairdb down --data {DataDirectory}` and delete the directory to move it, or pick another --data");
        }
        AddMissingNodes(state, _options.Nodes ?? Math.Max(state.Nodes.Count, DefaultNodeCount));
        EnsureSecurityFiles(state);
        var result = new UpResult(state);

        await EnsurePostgresAsync(state, result, cancellationToken);
        state.Save(DataDirectory);
        await EnsureCoordinatorAsync(state, result, cancellationToken);
        state.Save(DataDirectory);
        try
        {
            await EnsureNodesAsync(state, state.Nodes, result, cancellationToken);
        }
        finally
        {
            // Record every node that did start, even when another failed, so that `down` stops it.
            state.Save(DataDirectory);
        }
        await RegisterAsync(state, state.Nodes, cancellationToken);
        await WaitUntilUpAsync(state, state.Nodes, cancellationToken);
        await EnsureFirstTenantKeyAsync(state, cancellationToken);
        return result;
    }

    private ClusterState NewState()
    {
        var basePort = _options.BasePort ?? ClusterPorts.DefaultBasePort;
        ClusterPorts.Validate(basePort);
        return new ClusterState
        {
            BasePort = basePort,
            Secure = !_options.Insecure,
            CoordinatorGrpcPort = ClusterPorts.CoordinatorGrpc(basePort),
            CoordinatorHttpPort = ClusterPorts.CoordinatorHttp(basePort),
            Postgres = new PostgresState
            {
                Managed = _options.ExternalPostgres is null,
                Port = _options.ExternalPostgres is null ? ClusterPorts.Postgres(basePort) : 0,
                ConnectionString = _options.ExternalPostgres ?? "",
            },
        };
    }

    private void AddMissingNodes(ClusterState state, int count)
    {
        if (count is < 1 || count > ClusterPorts.MaxSlots)
        {
            throw new ClusterException($"--nodes {count} is out of range: 1..{ClusterPorts.MaxSlots}");
        }
        for (var slot = 1; state.Nodes.Count < count; slot++)
        {
            var id = DefaultNodePrefix + slot.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (state.FindNode(id) is null && state.Nodes.TrueForAll(n => n.Slot != slot))
            {
                state.Nodes.Add(NewNode(state, id, slot));
            }
        }
    }

    private NodeProcess NewNode(ClusterState state, string id, int slot) => new()
    {
        Id = id,
        Slot = slot,
        GrpcPort = ClusterPorts.NodeGrpc(state.BasePort, slot),
        HttpPort = ClusterPorts.NodeHttp(state.BasePort, slot),
        DataDirectory = NodeDirectory(id),
    };

    private ClusterState RequireState() =>
        LoadState() ?? throw new ClusterException($"no local cluster in {DataDirectory} (no {ClusterState.FileName}); start one with ./pairdb up --data {DataDirectory}");
}

/// <summary>What <see cref="LocalCluster.UpAsync"/> did: the processes it started and those it found running.</summary>
public sealed class UpResult(ClusterState state)
{
    public ClusterState State { get; } = state;

    public List<string> Started { get; } = [];

    public List<string> AlreadyRunning { get; } = [];

    /// <summary>True when <c>up</c> started anything.</summary>
    public bool Changed => Started.Count > 0;
}
