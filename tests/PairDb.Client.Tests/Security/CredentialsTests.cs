using PairDb.Client.Tests.Cli;
using PairDb.Client.Tests.Sdk.Fakes;
using PairDb.Client.Tooling.Security;
using PairDb.Contracts.Security;
using PairDb.Testing;

namespace PairDb.Client.Tests.Security;

/// <summary>
/// What the SDK and the CLI send and whom they trust, seen by a real gRPC/HTTP server (Kestrel in this
/// process): the tenant's API key on data calls, the operator token on admin calls, TLS accepted only
/// from a certificate of the cluster CA.
/// </summary>
[NonParallelizable]
public sealed class CredentialsTests
{
    private const string TenantKey = "pdb_0123456789abcdef_tenant-secret";
    private TestDirectory _cluster = null!;
    private ClusterSecretFiles _files = null!;
    private FakeKeyValueServer _tls = null!;
    private FakeKeyValueServer _plaintext = null!;

    [OneTimeSetUp]
    public async Task StartServers()
    {
        _cluster = TestDirectory.Create("credentials");
        _files = new ClusterSecretFiles(_cluster.Path);
        _files.EnsureCaAndOperatorToken();
        _files.EnsureMember(ClusterSecretFiles.CoordinatorHostId);
        _files.SaveTenantKey("t1", TenantKey);
        _tls = await FakeKeyValueServer.StartAsync(PemFiles.LoadWithKey(_files.CertificatePath("coordinator"), _files.KeyPath("coordinator")));
        _plaintext = await FakeKeyValueServer.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopServers()
    {
        await _tls.DisposeAsync();
        await _plaintext.DisposeAsync();
        _cluster.Dispose();
    }

    [SetUp]
    public void Reset()
    {
        _tls.Behavior.Reset();
        _plaintext.Behavior.Reset();
    }

    [Test]
    public async Task Sdk_ApiKeyOverPlaintext_SentAsBearerMetadata()
    {
        await using var client = new PairDbClient(WithKey(_plaintext.ClientOptions(), TenantKey));

        await client.PutAsync("t1", "k", "v");

        Assert.That(_plaintext.Behavior.Authorizations, Is.EqualTo(new[] { "Bearer " + TenantKey }));
    }

    [Test]
    public async Task Sdk_NoApiKey_SendsNoAuthorization()
    {
        await using var client = new PairDbClient(_plaintext.ClientOptions());

        await client.PutAsync("t1", "k", "v");

        Assert.That(_plaintext.Behavior.Authorizations, Is.EqualTo(new[] { "" }));
    }

    [Test]
    public async Task Sdk_TlsWithTheClusterCa_CallSucceedsWithTheKey()
    {
        var options = _tls.ClientOptions();
        options.ApiKey = TenantKey;
        options.CaCertificatePath = _files.CaCertificatePath;
        await using var client = new PairDbClient(options);

        await client.PutAsync("t1", "k", "v");

        Assert.That(_tls.Behavior.Authorizations, Is.EqualTo(new[] { "Bearer " + TenantKey }));
    }

    [Test]
    public async Task Sdk_TlsWithAnotherCa_RefusesTheServerAndSendsNothing()
    {
        using var other = TestDirectory.Create("other-ca");
        var otherFiles = new ClusterSecretFiles(other.Path);
        otherFiles.EnsureCaAndOperatorToken();
        var options = _tls.ClientOptions(maxAttempts: 1);
        options.ApiKey = TenantKey;
        options.CaCertificatePath = otherFiles.CaCertificatePath;
        await using var client = new PairDbClient(options);

        Assert.ThrowsAsync<PairDbClientException>(async () => await client.PutAsync("t1", "k", "v"));

        Assert.That(_tls.Behavior.Calls("Put"), Is.Zero, "no request reached a server the client does not trust");
    }

    [Test]
    public void Options_CaCertificateWithPlaintextEndpoint_Refused()
    {
        var options = new PairDbClientOptions { Endpoint = new Uri("http://127.0.0.1:1"), CaCertificatePath = _files.CaCertificatePath };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.That(error!.ParamName, Is.EqualTo(nameof(PairDbClientOptions.CaCertificatePath)));
    }

    [Test]
    public async Task Cli_PutOnSecureCluster_SendsTheTenantKeyOverTls()
    {
        var put = await CliRun.RunAsync("put", "t1", "k", "v", "--data", _cluster.Path, "--coordinator", HostPort(_tls));

        Assert.That(put.ExitCode, Is.EqualTo(0), put.ToString());
        Assert.That(_tls.Behavior.Authorizations, Is.EqualTo(new[] { "Bearer " + TenantKey }));
        Assert.That(put.Out + put.Error, Does.Not.Contain(TenantKey));
    }

    [Test]
    public async Task Cli_TenantWithoutKey_SendsNoCredentialRatherThanAnotherTenantsKey()
    {
        var put = await CliRun.RunAsync("put", "t2", "k", "v", "--data", _cluster.Path, "--coordinator", HostPort(_tls));

        Assert.That(put.ExitCode, Is.EqualTo(0), put.ToString());
        Assert.That(_tls.Behavior.Authorizations, Is.EqualTo(new[] { "" }));
        Assert.That(put.Error, Does.Contain("no API key for tenant 't2'").And.Contain("./pairdb tenants create t2"));
    }

    [Test]
    public async Task Cli_AdminRpc_SendsTheOperatorToken()
    {
        var list = await CliRun.RunAsync("nodes", "list", "--json", "--data", _cluster.Path, "--coordinator", HostPort(_tls));

        Assert.That(list.ExitCode, Is.EqualTo(0), list.ToString());
        Assert.That(_tls.Behavior.Authorizations, Is.EqualTo(new[] { "Bearer " + PemFiles.ReadSecret(_files.OperatorTokenPath) }));
    }

    [Test]
    public async Task Cli_AdminHttp_SendsTheOperatorTokenOverTls()
    {
        var drain = await CliRun.RunAsync("nodes", "drain", "node-1", "--data", _cluster.Path, "--coordinator-http", HostPort(_tls));

        Assert.That(drain.ExitCode, Is.EqualTo(0), drain.ToString());
        Assert.That(_tls.Behavior.Authorizations, Is.EqualTo(new[] { "Bearer " + PemFiles.ReadSecret(_files.OperatorTokenPath) }));
    }

    [Test]
    public async Task Cli_InsecureDataDirectory_PlaintextWithoutCredentials()
    {
        using var insecure = TestDirectory.Create("insecure");

        var put = await CliRun.RunAsync("put", "t1", "k", "v", "--data", insecure.Path, "--coordinator", HostPort(_plaintext));

        Assert.That(put.ExitCode, Is.EqualTo(0), put.ToString());
        Assert.That(_plaintext.Behavior.Authorizations, Is.EqualTo(new[] { "" }));
    }

    private static PairDbClientOptions WithKey(PairDbClientOptions options, string key)
    {
        options.ApiKey = key;
        return options;
    }

    /// <summary>The endpoint as a user types it, without a scheme: the CLI picks https from the data directory.</summary>
    private static string HostPort(FakeKeyValueServer server) => $"{server.Endpoint.Host}:{server.Endpoint.Port}";
}
