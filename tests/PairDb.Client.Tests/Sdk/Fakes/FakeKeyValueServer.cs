using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PairDb.Client.Tests.Sdk.Fakes;

/// <summary>
/// A real gRPC server (Kestrel on a free 127.0.0.1 port: cleartext HTTP/2, or TLS with a given certificate)
/// serving <see cref="FakeKeyValueService"/>, <see cref="FakeCoordinatorService"/> and the admin route
/// <c>POST /api/v1/nodes/{id}/drain</c>, so the SDK and CLI are tested over the wire they use in production.
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

    /// <param name="certificate">Serve TLS with this certificate (with its key); null: cleartext HTTP/2.</param>
    public static async Task<FakeKeyValueServer> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is null)
            {
                // Cleartext gRPC needs HTTP/2 with prior knowledge: no HTTP/1.1 on the same endpoint.
                listen.Protocols = HttpProtocols.Http2;
            }
            else
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificate);
            }
        }));
        var behavior = new FakeKeyValueBehavior();
        builder.Services.AddSingleton(behavior);
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<FakeKeyValueService>();
        app.MapGrpcService<FakeCoordinatorService>();
        app.MapPost("/api/v1/nodes/{id}/drain", (HttpRequest request, string id) =>
        {
            behavior.Authorizations.Enqueue(request.Headers.Authorization.ToString());
            return Results.Json(new { node_id = id });
        });
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
