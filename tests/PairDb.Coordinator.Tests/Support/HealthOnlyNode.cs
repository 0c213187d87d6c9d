using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using PairDb.Client.Tooling;

namespace PairDb.Coordinator.Tests.Support;

/// <summary>
/// A gRPC server on loopback that serves only grpc.health.v1 (the real Grpc.HealthCheck service),
/// standing in for a storage node's health endpoint while the storage node host is built elsewhere.
/// </summary>
internal sealed class HealthOnlyNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private HealthOnlyNode(WebApplication app, int port, HealthServiceImpl health)
    {
        _app = app;
        Port = port;
        Health = health;
    }

    public int Port { get; }

    public HealthServiceImpl Health { get; }

    public static async Task<HealthOnlyNode> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        var health = new HealthServiceImpl();
        health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(health);
        var app = builder.Build();
        app.MapGrpcService<HealthServiceImpl>();
        await app.StartAsync();
        return new HealthOnlyNode(app, port, health);
    }

    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}
