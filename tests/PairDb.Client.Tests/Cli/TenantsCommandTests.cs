using System.Text.Json;
using System.Text.RegularExpressions;
using PairDb.Client.Cli;
using PairDb.Client.Tests.Testing;
using PairDb.Client.Tooling;
using PairDb.Testing;

namespace PairDb.Client.Tests.Cli;

/// <summary><c>tenants create|list|revoke</c> against a real coordinator process (insecure, loopback) and PostgreSQL.</summary>
public sealed partial class TenantsCommandTests
{
    private PostgresDatabase _database = null!;
    private TestDirectory _directory = null!;
    private HostProcess _coordinator = null!;
    private string _httpEndpoint = null!;

    [OneTimeSetUp]
    public async Task StartCoordinatorAsync()
    {
        _database = await SharedPostgres.CreateDatabaseAsync();
        _directory = TestDirectory.Create(nameof(TenantsCommandTests));
        var ports = FreePort.Next(2);
        _httpEndpoint = $"http://127.0.0.1:{ports[1]}";
        _coordinator = await HostLauncher.StartAsync(new HostSpec
        {
            Name = "coordinator",
            AssemblyPath = BuiltHosts.Locate(HostKind.Coordinator),
            Arguments =
            [
                "--migrate",
                $"--ConnectionStrings:Metadata={_database.ConnectionString}",
                "--PairDb:Coordinator:ListenAddress=127.0.0.1",
                $"--PairDb:Coordinator:GrpcPort={ports[0]}",
                $"--PairDb:Coordinator:HttpPort={ports[1]}",
            ],
            HealthUrl = new Uri($"{_httpEndpoint}/health/live"),
            LogPath = _directory.Combine("coordinator.log"),
        });
    }

    [OneTimeTearDown]
    public async Task StopCoordinatorAsync()
    {
        await _coordinator.DisposeAsync();
        await _database.DisposeAsync();
        _directory.Dispose();
    }

    private string DataDirectory => _directory.Combine("data");

    [Test]
    public async Task Create_PrintsTheKeyAsLastLine_AndSavesItOwnerOnly()
    {
        var run = await RunAsync("tenants", "create", "created-1", "--expires-in-days", "7");

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Ok), run.ToString());
        var lastLine = run.Out.TrimEnd('\n').Split('\n')[^1];
        Assert.That(lastLine, Does.Match(KeyPattern().ToString()));
        Assert.That(run.Out, Does.Contain("created, expires "));
        var keyFile = Path.Combine(DataDirectory, "tenants", "created-1.key");
        Assert.That(File.ReadAllText(keyFile), Is.EqualTo(lastLine + "\n"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(keyFile), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
    }

    [Test]
    public async Task List_ShowsTenantAndKeyId_NeverTheKey()
    {
        var key = await CreateAsync("listed-1");

        var run = await RunAsync("tenants", "list");

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Ok), run.ToString());
        Assert.That(run.Out, Does.Contain("listed-1").And.Contain(KeyIdOf(key)).And.Contain("never"));
        Assert.That(run.Out, Does.Not.Contain(key[21..]));
    }

    [Test]
    public async Task Revoke_OneKey_OnlyThatKeyShowsRevoked()
    {
        var revoked = await CreateAsync("revoked-1");
        var kept = await CreateAsync("revoked-1");

        var run = await RunAsync("tenants", "revoke", "revoked-1", KeyIdOf(revoked));

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Ok), run.ToString());
        Assert.That(run.Out, Does.Contain($"revoked 1 key(s): {KeyIdOf(revoked)}"));
        var keys = await KeysAsync("revoked-1");
        Assert.That(keys[KeyIdOf(revoked)], Is.Not.Null, "revoked_at set");
        Assert.That(keys[KeyIdOf(kept)], Is.Null, "the other key untouched");
    }

    [Test]
    public async Task Revoke_WithoutKeyId_RevokesAllOfTheTenant()
    {
        await CreateAsync("revoked-all");
        await CreateAsync("revoked-all");

        var run = await RunAsync("tenants", "revoke", "revoked-all");

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Ok), run.ToString());
        Assert.That(run.Out, Does.Contain("revoked 2 key(s)"));
        Assert.That((await KeysAsync("revoked-all")).Values, Is.All.Not.Null);
    }

    [Test]
    public async Task Revoke_UnknownTenant_Exits1NamingTheCode()
    {
        var run = await RunAsync("tenants", "revoke", "nobody-here");

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Failed), run.ToString());
        Assert.That(run.Error, Does.Contain("INVALID_ARGUMENT (1000)").And.Contain("has no API keys"));
    }

    [TestCase("../escape")]
    [TestCase("bad tenant")]
    public async Task Create_InvalidName_UsageErrorAndNoFileWritten(string name)
    {
        using var data = TestDirectory.Create();

        var run = await CliRun.RunAsync("tenants", "create", name, "--coordinator-http", _httpEndpoint, "--data", data.Combine("data"));

        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Usage), run.ToString());
        Assert.That(Directory.GetFileSystemEntries(data.Path, "*", SearchOption.AllDirectories), Is.Empty);
    }

    private Task<CliRun> RunAsync(params string[] args) =>
        CliRun.RunAsync([.. args, "--coordinator-http", _httpEndpoint, "--data", DataDirectory]);

    private async Task<string> CreateAsync(string tenant)
    {
        var run = await RunAsync("tenants", "create", tenant);
        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Ok), run.ToString());
        return run.Out.TrimEnd('\n').Split('\n')[^1];
    }

    /// <summary>key_id -> revoked_at of <paramref name="tenant"/>'s keys, from <c>tenants list --json</c>.</summary>
    private async Task<Dictionary<string, string?>> KeysAsync(string tenant)
    {
        var run = await RunAsync("tenants", "list", "--json");
        Assert.That(run.ExitCode, Is.EqualTo(CliApp.Ok), run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        return json.RootElement.GetProperty("tenants").EnumerateArray()
            .Single(t => t.GetProperty("tenant").GetString() == tenant)
            .GetProperty("keys").EnumerateArray()
            .ToDictionary(k => k.GetProperty("key_id").GetString()!, k => k.GetProperty("revoked_at").ValueKind == JsonValueKind.Null ? null : k.GetProperty("revoked_at").GetString());
    }

    private static string KeyIdOf(string key) => key[4..20];

    [GeneratedRegex("^pdb_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$")]
    private static partial Regex KeyPattern();
}
