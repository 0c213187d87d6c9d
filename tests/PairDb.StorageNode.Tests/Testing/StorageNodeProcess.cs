using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using PairDb.Client.Tooling;
using PairDb.Contracts.Grpc;

namespace PairDb.StorageNode.Tests.Testing;

/// <summary>A real storage node child process on two free loopback ports, with a gRPC client and an admin HTTP client.</summary>
internal sealed class StorageNodeProcess : IAsyncDisposable
{
    private readonly string _directory;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private HostProcess _host;
    private GrpcChannel _channel;

    private StorageNodeProcess(string directory, IReadOnlyDictionary<string, string> settings, HostProcess host, int grpcPort, int httpPort)
    {
        _directory = directory;
        _settings = settings;
        _host = host;
        GrpcPort = grpcPort;
        HttpPort = httpPort;
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        Client = new StorageService.StorageServiceClient(_channel);
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
    }

    public const string NodeId = "node-under-test";

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public StorageService.StorageServiceClient Client { get; private set; }

    public GrpcChannel Channel => _channel;

    public HttpClient Http { get; }

    public string LogPath => _host.LogPath;

    public string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>Starts a node whose data lives under <paramref name="directory"/>; <paramref name="settings"/> are extra configuration keys.</summary>
    public static async Task<StorageNodeProcess> StartAsync(string directory, IReadOnlyDictionary<string, string>? settings = null)
    {
        var ports = FreePort.Next(2);
        settings ??= new Dictionary<string, string>();
        var host = await HostLauncher.StartAsync(Spec(directory, settings, ports[0], ports[1]));
        return new StorageNodeProcess(directory, settings, host, ports[0], ports[1]);
    }

    /// <summary>
    /// Stops the process (gracefully, or with SIGKILL) and starts it again on the same data and ports;
    /// <paramref name="whileStopped"/> runs in between (to damage or inspect the data directory).
    /// </summary>
    public async Task RestartAsync(bool kill, Action? whileStopped = null)
    {
        if (kill)
        {
            _host.Kill();
        }
        else
        {
            await _host.StopAsync();
        }

        await _host.DisposeAsync();
        whileStopped?.Invoke();
        _host = await HostLauncher.StartAsync(Spec(_directory, _settings, GrpcPort, HttpPort));
        _channel.Dispose();
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");
        Client = new StorageService.StorageServiceClient(_channel);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.That(response.IsSuccessStatusCode, Is.True, $"GET {path} answered {(int)response.StatusCode}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> PostJsonAsync(string path, string? body = null)
    {
        using var content = new StringContent(body ?? "", System.Text.Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(path, content);
        Assert.That(response.IsSuccessStatusCode, Is.True, $"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public string ReadLog() => File.ReadAllText(_host.LogPath);

    public static Metadata ClientHeader(string clientId) => new() { { "x-pairdb-client-id", clientId } };

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        Http.Dispose();
        await _host.DisposeAsync();
    }

    private static HostSpec Spec(string directory, IReadOnlyDictionary<string, string> settings, int grpcPort, int httpPort)
    {
        var arguments = new List<string>
        {
            "--PairDb:StorageNode:NodeId=" + NodeId,
            "--PairDb:StorageNode:DataDirectory=" + Path.Combine(directory, "data"),
            "--PairDb:StorageNode:ListenAddress=127.0.0.1",
            "--PairDb:StorageNode:GrpcPort=" + grpcPort,
            "--PairDb:StorageNode:HttpPort=" + httpPort,
        };
        foreach (var (key, value) in settings)
        {
            arguments.Add($"--{key}={value}");
        }

        return new HostSpec
        {
            Name = "storage-node-test",
            AssemblyPath = Locate(),
            Arguments = arguments,
            HealthUrl = new Uri($"http://127.0.0.1:{httpPort}/health/live"),
            LogPath = Path.Combine(directory, "storage-node.log"),
        };
    }

    private static string Locate()
    {
        var configuration = typeof(StorageNodeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Configuration").Value!;
        var root = HostAssemblies.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);
        return HostAssemblies.Locate(root, HostKind.StorageNode, configuration);
    }
}
