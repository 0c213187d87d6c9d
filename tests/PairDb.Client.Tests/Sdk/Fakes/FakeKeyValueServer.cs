using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PairDb.Client.Tests.Sdk.Fakes;

/// <summary>
/// A real gRPC server (Kestrel, cleartext HTTP/2 on a free 127.0.0.1 port) serving
/// <see cref="FakeKeyValueService"/>, so the SDK is tested over the wire it uses in production.
/// </summary>
internal sealed class FakeKeyValueServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeKeyValueServer(WebApplication app, FakeKeyValueBehavior behavior, Uri endpoint)
    {
        _app = app;
        Behavior = behavior;
        Endpoint = endpoint;
    }

    public FakeKeyValueBehavior Behavior { get; }

    public Uri Endpoint { get; }

    public static async Task<FakeKeyValueServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var behavior = new FakeKeyValueBehavior();
        builder.Services.AddSingleton(behavior);
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<FakeKeyValueService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new FakeKeyValueServer(app, behavior, new Uri(address));
    }

    /// <summary>
    /// Options for a test client: tiny backoff delays so retries cost milliseconds, the circuit
    /// breaker off unless the test is about it.
    /// </summary>
    public PairDbClientOptions ClientOptions(int maxAttempts = 3, bool circuitBreaker = false) => new()
    {
        Endpoint = Endpoint,
        AttemptTimeout = TimeSpan.FromSeconds(10),
        Retry = new PairDbRetryOptions { MaxAttempts = maxAttempts, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) },
        CircuitBreaker = new PairDbCircuitBreakerOptions { Enabled = circuitBreaker },
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
