using System.Text.Json;
using PairDb.Client.Tooling;
using PairDb.Client.Tooling.Cluster;
using PairDb.Client.Tooling.Security;
using PairDb.Testing;

namespace PairDb.Client.Tests.Cli;

/// <summary><c>status</c> shows where secrets are, never what they are: the metadata password, the operator token, tenant keys.</summary>
public sealed class StatusRedactionTests
{
    private const string Password = "hunter2-Secret-pw";
    private TestDirectory _directory = null!;

    [SetUp]
    public void WriteClusterState()
    {
        _directory = TestDirectory.Create();
        var ports = FreePort.Next(2);
        new ClusterState
        {
            BasePort = 7400,
            // Nothing listens there: status reports the coordinator as unreachable and still prints the rest.
            CoordinatorGrpcPort = ports[0],
            CoordinatorHttpPort = ports[1],
            Postgres = new PostgresState { Managed = false, ConnectionString = $"Host=db.example;Username=pairdb;Password={Password};Database=pairdb" },
        }.Save(_directory.Path);
    }

    [TearDown]
    public void Delete() => _directory.Dispose();

    [Test]
    public async Task StatusJson_ExternalPostgresWithPassword_PasswordRedacted()
    {
        var status = await CliRun.RunAsync("status", "--json", "--data", _directory.Path);

        Assert.That(status.ExitCode, Is.EqualTo(0), status.ToString());
        Assert.That(status.Out + status.Error, Does.Not.Contain(Password));
        using var json = JsonDocument.Parse(status.Out);
        Assert.That(json.RootElement.GetProperty("postgres").GetProperty("connection_string").GetString(),
            Is.EqualTo("Host=db.example;Username=pairdb;Password=***;Database=pairdb"));
        Assert.That(json.RootElement.GetProperty("security").GetProperty("mode").GetString(), Is.EqualTo("insecure"));
    }

    [Test]
    public async Task StatusTable_ExternalPostgresWithPassword_PasswordRedacted()
    {
        var status = await CliRun.RunAsync("status", "--data", _directory.Path);

        Assert.That(status.ExitCode, Is.EqualTo(0), status.ToString());
        Assert.That(status.Out + status.Error, Does.Not.Contain(Password));
        Assert.That(status.Out, Does.Contain("Password=***"));
    }

    [Test]
    public async Task StatusJson_SecureDirectory_ShowsFilePathsNotTheirContents()
    {
        var files = new ClusterSecretFiles(_directory.Path);
        files.EnsureCaAndOperatorToken();
        files.SaveTenantKey("t1", "pdb_0123456789abcdef_tenant-secret");
        var token = files.ReadOperatorToken()!;

        var status = await CliRun.RunAsync("status", "--json", "--data", _directory.Path);

        Assert.That(status.Out + status.Error, Does.Not.Contain(token).And.Not.Contain("tenant-secret"));
        using var json = JsonDocument.Parse(status.Out);
        var security = json.RootElement.GetProperty("security");
        Assert.That(security.GetProperty("mode").GetString(), Is.EqualTo("secure"));
        Assert.That(security.GetProperty("ca_certificate").GetString(), Is.EqualTo(files.CaCertificatePath));
        Assert.That(security.GetProperty("operator_token").GetString(), Is.EqualTo(files.OperatorTokenPath));
        Assert.That(security.GetProperty("tenant_keys").EnumerateArray().Select(k => k.GetString()), Is.EqualTo(new[] { files.TenantKeyPath("t1") }));
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void ClusterJson_MayHoldAPassword_ReadableByTheOwnerOnly() =>
        Assert.That(File.GetUnixFileMode(_directory.Combine(ClusterState.FileName)), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));

    [TestCase("Host=h;Password=p4ss;Username=u", "Host=h;Password=***;Username=u")]
    [TestCase("Host=h;Username=u", "Host=h;Username=u")]
    [TestCase("not a connection string p4ss", "(not shown: not a valid connection string)")]
    public void Redact_HidesPasswordsAndAnythingUnparsable(string connectionString, string shown) =>
        Assert.That(ConnectionStrings.Redact(connectionString), Is.EqualTo(shown));
}
