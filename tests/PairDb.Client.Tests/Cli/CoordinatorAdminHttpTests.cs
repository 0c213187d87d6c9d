using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PairDb.Client.Cli;
using PairDb.Client.Tooling;
using PairDb.Contracts.Security;
using PairDb.Testing;

namespace PairDb.Client.Tests.Cli;

/// <summary>
/// What every admin HTTP call of the CLI sends and how it reads refusals, against a recording admin API
/// served over TLS with a certificate from the cluster CA the data directory holds (a secure cluster).
/// </summary>
public sealed class CoordinatorAdminHttpTests
{
    private static readonly TimeSpan Year = TimeSpan.FromDays(365);
    private readonly ConcurrentQueue<string?> _authorizations = new();
    private System.Security.Cryptography.X509Certificates.X509Certificate2 _ca = null!;
    private WebApplication _app = null!;
    private string _endpoint = null!;
    private TestDirectory _directory = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _ca = CertificateAuthority.CreateCa("admin-http-test", Year);
        var serverCertificate = CertificateAuthority.IssueMember(_ca, "coordinator", ["127.0.0.1"], Year);
        var builder = WebApplication.CreateSlimBuilder();
        var port = FreePort.Next();
        _endpoint = $"https://127.0.0.1:{port}";
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port, listen => listen.UseHttps(serverCertificate)));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/api/v1/tenants", (HttpRequest request) =>
        {
            var authorization = request.Headers.Authorization.ToString();
            _authorizations.Enqueue(authorization.Length == 0 ? null : authorization);
            return authorization == "Bearer refused-token"
                ? Results.Json(new { error = new { code = 1010, reason = "UNAUTHENTICATED", message = "operator token not accepted" } }, statusCode: 401)
                : Results.Json(new { tenants = Array.Empty<object>() });
        });
        _app.MapPost("/api/v1/nodes/{id}/drain", (string id, HttpRequest request) =>
        {
            _authorizations.Enqueue(request.Headers.Authorization.ToString());
            return Results.Json(new { node = new { node_id = id, draining = true } });
        });
        await _app.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _app.DisposeAsync();
        _ca.Dispose();
    }

    [SetUp]
    public void CreateDirectory()
    {
        _directory = TestDirectory.Create();
        PemFiles.Write(_ca, _directory.Combine("tls/ca.crt"), keyPath: null);
        _authorizations.Clear();
    }

    [TearDown]
    public void RemoveDirectory() => _directory.Dispose();

    [Test]
    public async Task OperatorTokenFile_SentAsBearer()
    {
        PemFiles.WriteSecret(_directory.Combine("operator.token"), "operator-secret-1");

        var run = await RunAsync("tenants", "list");

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Ok), run.ToString());
        Assert.That(_authorizations, Is.EqualTo(new[] { "Bearer operator-secret-1" }));
    }

    [Test]
    public async Task NodesDrain_GoesThroughTheSameHelper_SendsTheOperatorToken()
    {
        PemFiles.WriteSecret(_directory.Combine("operator.token"), "operator-secret-2");

        var run = await RunAsync("nodes", "drain", "storage-node-1");

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Ok), run.ToString());
        Assert.That(run.Out, Does.Contain("storage-node-1: drain done"));
        Assert.That(_authorizations, Is.EqualTo(new[] { "Bearer operator-secret-2" }));
    }

    [Test]
    public async Task NoOperatorTokenFile_NoAuthorizationHeader()
    {
        var run = await RunAsync("tenants", "list");

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Ok), run.ToString());
        Assert.That(_authorizations, Is.EqualTo(new string?[] { null }));
        Assert.That(run.Out, Does.Contain("no tenant has an API key"));
    }

    [Test]
    public async Task Refused_Exits1NamingTheErrorCode()
    {
        PemFiles.WriteSecret(_directory.Combine("operator.token"), "refused-token");

        var run = await RunAsync("tenants", "list");

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Failed), run.ToString());
        Assert.That(run.Error, Does.Contain("UNAUTHENTICATED (1010): operator token not accepted"));
    }

    private Task<CliRun> RunAsync(params string[] args) =>
        CliRun.RunAsync([.. args, "--coordinator-http", _endpoint, "--data", _directory.Path]);
}
