using PairDb.Client.Tooling;

namespace PairDb.Bench.Node;

/// <summary>
/// A real storage node process (the built Release dll) in a scratch directory under the temp path, on two
/// free loopback ports; stopping it removes the directory.
/// </summary>
public sealed class LocalStorageNode : IAsyncDisposable
{
    private const string DefaultNodeId = "bench-node";
    private readonly HostProcess _host;

    private LocalStorageNode(HostProcess host, string directory, int grpcPort, int httpPort)
    {
        _host = host;
        Directory = directory;
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
        AdminAddress = new Uri($"http://127.0.0.1:{httpPort}");
    }

    public string Directory { get; }

    public Uri GrpcAddress { get; }

    public Uri AdminAddress { get; }

    public int Pid => _host.Pid;

    public static Task<LocalStorageNode> StartAsync(NodeDurability durability, CancellationToken cancellationToken) =>
        StartAsync(DefaultNodeId, Path.GetTempPath(), durability, cancellationToken);

    /// <summary>
    /// Starts node <paramref name="nodeId"/> in a new directory under <paramref name="parentDirectory"/>; nodes
    /// that talk to each other need distinct ids (each mints its own dots).
    /// </summary>
    public static async Task<LocalStorageNode> StartAsync(string nodeId, string parentDirectory, NodeDurability durability, CancellationToken cancellationToken)
    {
        var root = HostAssemblies.FindRepositoryRoot(AppContext.BaseDirectory);
        var assembly = HostAssemblies.Locate(root, HostKind.StorageNode);
        var directory = Path.Combine(parentDirectory, $"pairdb-bench-{nodeId}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            // A port taken between FreePort and the node's bind fails the start; one retry on new ports covers it.
            for (var attempt = 1; ; attempt++)
            {
                var ports = FreePort.Next(2);
                try
                {
                    var host = await HostLauncher.StartAsync(Spec(nodeId, assembly, directory, durability, ports[0], ports[1]), cancellationToken);
                    return new LocalStorageNode(host, directory, ports[0], ports[1]);
                }
                catch (HostStartException) when (attempt < 2)
                {
                }
            }
        }
        catch
        {
            TryDelete(directory);
            throw;
        }
    }

    public string ReadLogTail(int lines) => _host.ReadLogTail(lines);

    public long LogBytes => new FileInfo(_host.LogPath).Length;

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        TryDelete(Directory);
    }

    private static HostSpec Spec(string nodeId, string assembly, string directory, NodeDurability durability, int grpcPort, int httpPort) => new()
    {
        Name = nodeId,
        AssemblyPath = assembly,
        Arguments =
        [
            "--PairDb:StorageNode:NodeId=" + nodeId,
            "--PairDb:StorageNode:DataDirectory=" + Path.Combine(directory, "data"),
            "--PairDb:StorageNode:ListenAddress=127.0.0.1",
            "--PairDb:StorageNode:GrpcPort=" + grpcPort,
            "--PairDb:StorageNode:HttpPort=" + httpPort,
            "--PairDb:StorageNode:Engine:Durability=" + durability,
        ],
        HealthUrl = new Uri($"http://127.0.0.1:{httpPort}/health/live"),
        LogPath = Path.Combine(directory, "storage-node.log"),
    };

    private static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"could not remove {directory}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            Console.Error.WriteLine($"could not remove {directory}: {e.Message}");
        }
    }
}
