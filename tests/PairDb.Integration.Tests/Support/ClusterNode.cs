using Grpc.Core;
using Grpc.Net.Client;
using PairDb.Client.Tooling;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Versioning;

namespace PairDb.Integration.Tests.Support;

/// <summary>One storage node child process of a test cluster, restartable on the same ports and data directory.</summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    public const string CoordinatorClientId = "pairdb-coordinator";
    private static readonly Metadata TrustedHeader = new() { { "x-pairdb-client-id", CoordinatorClientId } };
    private readonly string _assembly;
    private IReadOnlyDictionary<string, string> _settings;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private HostProcess? _host;
    private GrpcChannel _channel;

    private ClusterNode(string nodeId, string directory, string assembly, int grpcPort, int httpPort, IReadOnlyDictionary<string, string> settings, IReadOnlyDictionary<string, string>? environment)
    {
        _environment = environment ?? new Dictionary<string, string>();
        NodeId = nodeId;
        Directory = directory;
        _assembly = assembly;
        GrpcPort = grpcPort;
        HttpPort = httpPort;
        _settings = settings;
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
    }

    public string NodeId { get; }

    public string Directory { get; }

    public string DataDirectory => Path.Combine(Directory, "data");

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public bool Running => _host is { HasExited: false };

    /// <summary>The node's whole log (console output), across its restarts.</summary>
    public string LogPath => Path.Combine(Directory, NodeId + ".log");

    /// <param name="environment">Extra environment variables of the process (e.g. libfaketime's), kept across restarts.</param>
    public static async Task<ClusterNode> StartAsync(string nodeId, string directory, string assembly, IReadOnlyDictionary<string, string> settings, IReadOnlyDictionary<string, string>? environment = null)
    {
        var ports = FreePort.Next(2);
        var node = new ClusterNode(nodeId, directory, assembly, ports[0], ports[1], settings, environment);
        await node.StartAsync();
        return node;
    }

    public async Task StartAsync()
    {
        _host = await HostLauncher.StartAsync(Spec());
        _channel.Dispose();
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");
    }

    /// <summary>Stops the node and starts it again on the same ports and data with other extra settings.</summary>
    public async Task RestartWithAsync(IReadOnlyDictionary<string, string> settings)
    {
        await StopAsync();
        _settings = settings;
        await StartAsync();
    }

    /// <summary>SIGSTOP (<paramref name="paused"/>) or SIGCONT: a paused node keeps its connections but answers nothing.</summary>
    public void Pause(bool paused)
    {
        var pid = _host?.Pid ?? throw new InvalidOperationException($"{NodeId} is not running");
        UnixSignal.Send(pid, paused ? UnixSignal.StopSignal : UnixSignal.ContinueSignal);
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill() => _host?.Kill();

    public async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            _host = null;
        }
    }

    /// <summary>Removes everything the node stored; only while it is stopped.</summary>
    public void Wipe()
    {
        Assert.That(Running, Is.False, "wipe a node only while it is stopped");
        System.IO.Directory.Delete(DataDirectory, recursive: true);
    }

    /// <summary>What this replica alone holds for a key (direct StorageService read, as the coordinator would).</summary>
    public async Task<SiblingSet> ReadLocalAsync(string tenantId, string key)
    {
        var client = new StorageService.StorageServiceClient(_channel);
        var reply = await client.ReadAsync(new ReadRequest { TenantId = tenantId, Key = Rpc.Bytes(key) }, TrustedHeader);
        return reply.Found ? SiblingSetFormat.Parse(reply.Versions.Span) : SiblingSet.Empty;
    }

    /// <summary>A direct write to this node; used to see whether it refuses writes.</summary>
    public Task ProbeWriteAsync(string tenantId, string key) =>
        new StorageService.StorageServiceClient(_channel).CoordinatedWriteAsync(
            new CoordinatedWriteRequest { TenantId = tenantId, Key = Rpc.Bytes(key), Value = Rpc.Bytes("probe") }, TrustedHeader).ResponseAsync;

    public string ReadLog() => _host is null ? "" : _host.ReadLogTail(200);

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await StopAsync();
    }

    private HostSpec Spec()
    {
        var arguments = new List<string>
        {
            "--PairDb:StorageNode:NodeId=" + NodeId,
            "--PairDb:StorageNode:DataDirectory=" + DataDirectory,
            "--PairDb:StorageNode:ListenAddress=127.0.0.1",
            "--PairDb:StorageNode:GrpcPort=" + GrpcPort,
            "--PairDb:StorageNode:HttpPort=" + HttpPort,
            "--PairDb:StorageNode:Validation:TrustedClients:0=" + CoordinatorClientId,
        };
        foreach (var (key, value) in _settings)
        {
            arguments.Add($"--{key}={value}");
        }
        return new HostSpec
        {
            Name = NodeId,
            AssemblyPath = _assembly,
            Arguments = arguments,
            Environment = _environment,
            HealthUrl = new Uri($"http://127.0.0.1:{HttpPort}/health/live"),
            LogPath = LogPath,
        };
    }
}
