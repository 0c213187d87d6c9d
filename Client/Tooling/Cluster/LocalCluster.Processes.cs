using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PairDb.Client.Tooling.Security;

namespace PairDb.Client.Tooling.Cluster;

public sealed partial class LocalCluster
{
    private const string CoordinatorMarkerKey = "--PairDb:LocalCluster:DataDirectory=";

    /// <summary>ConnectionStrings:Metadata as an environment variable (ASP.NET Core maps <c>__</c> to <c>:</c>).</summary>
    private const string MetadataConnectionVariable = "ConnectionStrings__Metadata";
    private static readonly TimeSpan HostStartTimeout = TimeSpan.FromSeconds(60);

    private async Task EnsurePostgresAsync(ClusterState state, UpResult result, CancellationToken cancellationToken)
    {
        var postgres = state.Postgres;
        if (!postgres.Managed)
        {
            result.AlreadyRunning.Add("postgres (external, PAIRDB_POSTGRES)");
            return;
        }
        if (ProcessIdentity.IsRunning(postgres.Process))
        {
            result.AlreadyRunning.Add($"postgres (pid {postgres.Process!.Pid})");
            return;
        }
        EnsurePortFree(postgres.Port, "PostgreSQL", state.BasePort);
        _options.Progress($"starting PostgreSQL on 127.0.0.1:{postgres.Port} ({PostgresDirectory})");
        var server = await LocalPostgres.StartAsync(new LocalPostgresOptions { RootDirectory = PostgresDirectory, Port = postgres.Port }, cancellationToken);
        LinkLog(server.LogPath, "postgres.log");
        var pid = ReadPostmasterPid(server.DataDirectory);
        postgres.Process = ProcessIdentity.Capture(pid, server.DataDirectory, server.LogPath)
            ?? throw new ClusterException($"PostgreSQL started but its postmaster (pid {pid}) is gone; see {server.LogPath}");
        postgres.ConnectionString = await MetadataDatabase.EnsureAsync(server.ConnectionString, cancellationToken);
        result.Started.Add($"postgres (pid {pid})");
    }

    private async Task EnsureCoordinatorAsync(ClusterState state, UpResult result, CancellationToken cancellationToken)
    {
        if (ProcessIdentity.IsRunning(state.Coordinator))
        {
            result.AlreadyRunning.Add($"coordinator (pid {state.Coordinator!.Pid})");
            return;
        }
        EnsurePortFree(state.CoordinatorGrpcPort, "coordinator gRPC", state.BasePort);
        EnsurePortFree(state.CoordinatorHttpPort, "coordinator HTTP", state.BasePort);
        _options.Progress($"starting the coordinator on 127.0.0.1:{state.CoordinatorGrpcPort} (gRPC) and :{state.CoordinatorHttpPort} (HTTP)");
        var marker = CoordinatorMarkerKey + DataDirectory;
        var access = Access(state);
        var spec = new HostSpec
        {
            Name = "coordinator",
            AssemblyPath = HostAssemblies.Locate(_options.RepositoryRoot, HostKind.Coordinator, _options.Configuration),
            Arguments =
            [
                "--migrate",
                "--PairDb:Coordinator:ListenAddress=127.0.0.1",
                $"--PairDb:Coordinator:GrpcPort={Invariant(state.CoordinatorGrpcPort)}",
                $"--PairDb:Coordinator:HttpPort={Invariant(state.CoordinatorHttpPort)}",
                "--PairDb:Coordinator:StateDirectory=" + Path.Combine(DataDirectory, "coordinator"),
                .. SecurityArguments(state, ClusterSecretFiles.CoordinatorHostId),
                marker,
            ],
            // Not on the command line: every local user can read /proc/PID/cmdline, only we the environment.
            Environment = new Dictionary<string, string> { [MetadataConnectionVariable] = state.Postgres.ConnectionString },
            HealthUrl = new Uri(access.Url("127.0.0.1", state.CoordinatorHttpPort), "/health/live"),
            TrustedCa = access.Ca,
            LogPath = Path.Combine(LogDirectory, "coordinator.log"),
            StartTimeout = HostStartTimeout,
        };
        var host = await HostLauncher.StartAsync(spec, cancellationToken);
        state.Coordinator = ProcessIdentity.Capture(host.Pid, marker, spec.LogPath)
            ?? throw new ClusterException($"the coordinator (pid {host.Pid}) exited right after answering; see {spec.LogPath}");
        result.Started.Add($"coordinator (pid {host.Pid})");
    }

    /// <summary>Starts the nodes that are not running, in parallel; throws after all tried if any failed.</summary>
    private async Task EnsureNodesAsync(ClusterState state, IReadOnlyList<NodeProcess> nodes, UpResult result, CancellationToken cancellationToken)
    {
        var starting = new List<(NodeProcess Node, Task Start)>();
        foreach (var node in nodes)
        {
            if (ProcessIdentity.IsRunning(node.Process))
            {
                result.AlreadyRunning.Add($"{node.Id} (pid {node.Process!.Pid})");
                continue;
            }
            EnsurePortFree(node.GrpcPort, $"{node.Id} gRPC", state.BasePort);
            EnsurePortFree(node.HttpPort, $"{node.Id} HTTP", state.BasePort);
            _options.Progress($"starting {node.Id} on 127.0.0.1:{node.GrpcPort} (gRPC) and :{node.HttpPort} (HTTP), data in {node.DataDirectory}");
            starting.Add((node, StartNodeAsync(state, node, cancellationToken)));
        }
        var failures = new List<string>();
        foreach (var (node, start) in starting)
        {
            try
            {
                await start;
                result.Started.Add($"{node.Id} (pid {node.Process!.Pid})");
            }
            catch (Exception e) when (e is HostStartException or ClusterException or FileNotFoundException)
            {
                failures.Add($"{node.Id}: {e.Message}");
            }
        }
        if (failures.Count > 0)
        {
            throw new ClusterException("storage nodes failed to start:\n" + string.Join('\n', failures));
        }
    }

    private async Task StartNodeAsync(ClusterState state, NodeProcess node, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(node.DataDirectory);
        var marker = $"--PairDb:StorageNode:DataDirectory={node.DataDirectory}";
        var access = Access(state);
        var spec = new HostSpec
        {
            Name = node.Id,
            AssemblyPath = HostAssemblies.Locate(_options.RepositoryRoot, HostKind.StorageNode, _options.Configuration),
            Arguments =
            [
                $"--PairDb:StorageNode:NodeId={node.Id}",
                marker,
                "--PairDb:StorageNode:ListenAddress=127.0.0.1",
                $"--PairDb:StorageNode:GrpcPort={Invariant(node.GrpcPort)}",
                $"--PairDb:StorageNode:HttpPort={Invariant(node.HttpPort)}",
                // Insecure: the local coordinator identifies itself with this id (it already validated each
                // request). Secure: its member certificate is what makes it trusted, so the id is not passed.
                .. state.Secure ? SecurityArguments(state, node.Id) : ["--PairDb:StorageNode:Validation:TrustedClients:0=pairdb-coordinator"],
                // Where restore-from-replica asks for replica peers (runbook 2.3).
                $"--PairDb:StorageNode:CoordinatorEndpoint={CoordinatorEndpoint(state).AbsoluteUri.TrimEnd('/')}",
            ],
            HealthUrl = new Uri(access.Url("127.0.0.1", node.HttpPort), "/health/live"),
            TrustedCa = access.Ca,
            LogPath = Path.Combine(LogDirectory, node.Id + ".log"),
            WorkingDirectory = node.DataDirectory,
            StartTimeout = HostStartTimeout,
        };
        var host = await HostLauncher.StartAsync(spec, cancellationToken);
        node.Process = ProcessIdentity.Capture(host.Pid, marker, spec.LogPath)
            ?? throw new ClusterException($"{node.Id} (pid {host.Pid}) exited right after answering; see {spec.LogPath}");
    }

    /// <summary>A port taken by something else would make the host fail with a less helpful message.</summary>
    private static void EnsurePortFree(int port, string purpose, int basePort)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            probe.Stop();
        }
        catch (SocketException)
        {
            throw new ClusterException(
                $"port {port} ({purpose}) on 127.0.0.1 is in use by another process; pick another range with --base-port " +
                $"(this cluster uses {basePort}..{basePort + ClusterPorts.Span - 1})");
        }
    }

    private static int ReadPostmasterPid(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "postmaster.pid");
        var first = File.ReadLines(path).FirstOrDefault();
        return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : throw new ClusterException($"{path} does not start with a PID");
    }

    private void LinkLog(string target, string name)
    {
        var link = Path.Combine(LogDirectory, name);
        if (!File.Exists(link) && !Directory.Exists(link) && new FileInfo(link).LinkTarget is null)
        {
            File.CreateSymbolicLink(link, target);
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
