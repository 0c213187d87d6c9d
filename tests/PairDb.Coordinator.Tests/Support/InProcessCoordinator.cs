using Grpc.Net.Client;
using PairDb.Client.Tooling;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Hosting;
using PairDb.Testing;

namespace PairDb.Coordinator.Tests.Support;

/// <summary>
/// The real coordinator application (Kestrel on two loopback ports, PostgreSQL, background
/// services) run inside the test process: the same code as the host, without a process start.
/// </summary>
internal sealed class InProcessCoordinator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestDirectory? _state;

    private InProcessCoordinator(WebApplication app, TestDirectory? state, int grpcPort, int httpPort)
    {
        _app = app;
        _state = state;
        GrpcPort = grpcPort;
        HttpPort = httpPort;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        Client = new CoordinatorService.CoordinatorServiceClient(Channel);
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public GrpcChannel Channel { get; }

    public CoordinatorService.CoordinatorServiceClient Client { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a coordinator. <paramref name="stateDirectory"/>: a directory the test owns and reuses across
    /// restarts (ring snapshot); by default a fresh one, deleted with the coordinator.
    /// </summary>
    public static async Task<InProcessCoordinator> StartAsync(
        string connectionString, bool migrate = false, IReadOnlyDictionary<string, string>? settings = null, string? stateDirectory = null)
    {
        var ports = FreePort.Next(2);
        var state = stateDirectory is null ? TestDirectory.Create("coordinator-state") : null;
        var args = new List<string>
        {
            "--PairDb:Coordinator:StateDirectory=" + (stateDirectory ?? state!.Path),
            $"--ConnectionStrings:Metadata={connectionString}",
            "--PairDb:Coordinator:ListenAddress=127.0.0.1",
            $"--PairDb:Coordinator:GrpcPort={ports[0]}",
            $"--PairDb:Coordinator:HttpPort={ports[1]}",
            "--Logging:LogLevel:Default=Warning",
            // Tests that register made-up addresses must not probe them; the prober tests shorten this.
            "--PairDb:HealthProbe:Interval=01:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            args.Add($"--{key}={value}");
        }
        var app = CoordinatorHost.Build([.. args]);
        try
        {
            await CoordinatorHost.StartAsync(app, migrate);
        }
        catch
        {
            await app.DisposeAsync();
            state?.Dispose();
            throw;
        }
        return new InProcessCoordinator(app, state, ports[0], ports[1]);
    }

    /// <summary>Empties the metadata tables and reloads the ring, as if the cluster were new.</summary>
    public async Task ResetAsync(MetadataDatabase database)
    {
        await database.ScalarAsync<object>("TRUNCATE storage_nodes, pending_changes, hints");
        await Get<Coordinator.Topology.NodeRegistry>().ReloadAsync(CancellationToken.None);
    }

    /// <summary>
    /// Ends every topology change as if it had completed (nodes NORMAL, changes completed), for tests
    /// of the membership API that register made-up addresses no bootstrap could stream to.
    /// </summary>
    public async Task SettleAsync(MetadataDatabase database)
    {
        await database.ScalarAsync<object>(
            "UPDATE pending_changes SET status = 'completed', progress = 100, completed_at = now() WHERE status IN ('pending', 'in_progress')");
        await database.ScalarAsync<object>("UPDATE storage_nodes SET state = 'NORMAL' WHERE state = 'BOOTSTRAPPING'");
        await Get<Coordinator.Topology.NodeRegistry>().ReloadAsync(CancellationToken.None);
    }

    public T Get<T>()
        where T : notnull => _app.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _state?.Dispose();
    }
}
