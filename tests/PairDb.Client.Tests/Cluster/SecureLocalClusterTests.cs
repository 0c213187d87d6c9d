using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using PairDb.Client.Tooling;
using PairDb.Client.Tooling.Security;
using PairDb.Contracts.Security;
using PairDb.Testing;

namespace PairDb.Client.Tests.Cluster;

/// <summary>
/// The default, secure <c>./pairdb up</c> on one real cluster: the CA, member certificates, operator token and
/// first tenant key it writes, data calls with that key over TLS, what <c>status</c> shows, and that <c>up</c>
/// after <c>down</c> keeps every credential. Needs hosts that serve the <c>PairDb:Security</c> settings
/// (TLS and authentication) and the coordinator's tenant key API. The tests run in order.
/// </summary>
[NonParallelizable]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecureLocalClusterTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(4);
    private TestDirectory _directory = null!;
    private ClusterSecretFiles _files = null!;

    private string[] Data => ["--data", _directory.Path];

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        if (PostgresBinaries.TryLocate() is null)
        {
            Assert.Ignore("no PostgreSQL binaries on this machine (./pairdb test installs them)");
        }
        _directory = TestDirectory.Create("secure-cluster");
        _files = new ClusterSecretFiles(_directory.Path);
        var up = await RunAsync("up", "--base-port", PortRange.FindFree().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(up.ExitCode, Is.EqualTo(0), up.ToString());
    }

    [OneTimeTearDown]
    public async Task StopCluster()
    {
        if (_directory is null)
        {
            return;
        }
        await RunAsync("down");
        _directory.Dispose();
    }

    [Test, Order(1)]
    public void Up_Secure_WritesCaCertificatesTokenAndFirstTenantKeyReadableByOwnerOnly()
    {
        foreach (var secret in new[] { _files.CaKeyPath, _files.OperatorTokenPath, _files.TenantKeyPath("t1")!, _files.KeyPath("coordinator") })
        {
            Assert.That(File.GetUnixFileMode(secret), Is.EqualTo(OwnerOnly), secret);
        }
        using var ca = PemFiles.LoadCertificate(_files.CaCertificatePath);
        foreach (var host in new[] { "coordinator", "node-1", "node-2", "node-3" })
        {
            using var member = PemFiles.LoadCertificate(_files.CertificatePath(host));
            Assert.That(CertificateAuthority.IsIssuedBy(member, ca, CertificateAuthority.ServerAuthOid), Is.True, host);
            Assert.That(File.GetUnixFileMode(_files.KeyPath(host)), Is.EqualTo(OwnerOnly), host);
        }
        Assert.That(PemFiles.ReadSecret(_files.TenantKeyPath("t1")!), Does.Match("^pdb_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$"));
        Assert.That(File.ReadAllText(_directory.Combine("cluster.json")), Does.Contain("\"secure\": true"));
    }

    [Test, Order(2)]
    public async Task PutThenGet_WithTheFirstTenantsKey_PrintsTheValue()
    {
        var put = await RunAsync("put", "t1", "k1", "v1");
        var get = await RunAsync("get", "t1", "k1");

        Assert.That(put.ExitCode, Is.EqualTo(0), put.ToString());
        Assert.That(get.ExitCode, Is.EqualTo(0), get.ToString());
        Assert.That(get.Out.Split('\n')[0], Is.EqualTo("v1"));
    }

    [Test, Order(3)]
    public async Task Put_AnotherTenantWithT1sKey_PermissionDenied()
    {
        var put = await PairDbScript.RunAsync(["put", "t2", "k1", "v1", .. Data],
            environment: new Dictionary<string, string> { [ClusterAccess.ApiKeyVariable] = PemFiles.ReadSecret(_files.TenantKeyPath("t1")!) });

        Assert.That(put.ExitCode, Is.EqualTo(1), put.ToString());
        Assert.That(put.Error, Does.Contain("1011"));
    }

    [Test, Order(4)]
    public async Task Status_Secure_NodesUpOverTlsAndNoSecretPrinted()
    {
        var status = await RunAsync("status", "--json");
        var table = await RunAsync("status");

        Assert.That(status.ExitCode, Is.EqualTo(0), status.ToString());
        foreach (var secret in new[] { _files.ReadOperatorToken()!, _files.ReadTenantKey("t1")!, File.ReadAllText(_files.CaKeyPath).Split('\n')[1] })
        {
            Assert.That(status.Out + status.Error + table.Out + table.Error, Does.Not.Contain(secret));
        }
        using var json = JsonDocument.Parse(status.Out);
        Assert.That(json.RootElement.GetProperty("security").GetProperty("mode").GetString(), Is.EqualTo("secure"));
        var nodes = json.RootElement.GetProperty("nodes").EnumerateArray().ToList();
        Assert.That(nodes.Select(n => n.GetProperty("status").GetString()), Is.All.EqualTo("UP"));
        Assert.That(nodes.Select(n => n.GetProperty("disk_usage_percent").ValueKind), Is.All.EqualTo(JsonValueKind.Number), "/health read over TLS with the operator token");
    }

    [Test, Order(5)]
    public async Task NodeAdd_Secure_NewNodeGetsItsOwnCertificateAndComesUp()
    {
        var add = await RunAsync("node", "add", "node-4");

        Assert.That(add.ExitCode, Is.EqualTo(0), add.ToString());
        using var ca = PemFiles.LoadCertificate(_files.CaCertificatePath);
        using var member = X509Certificate2.CreateFromPemFile(_files.CertificatePath("node-4"), _files.KeyPath("node-4"));
        Assert.That(CertificateAuthority.IsIssuedBy(member, ca, CertificateAuthority.ClientAuthOid), Is.True);
    }

    [Test, Order(6)]
    public async Task DownThenUp_KeepsCaTokenAndTenantKey_DataStillReadable()
    {
        var before = new[] { _files.CaCertificatePath, _files.CaKeyPath, _files.OperatorTokenPath, _files.TenantKeyPath("t1")!, _files.CertificatePath("node-1") }
            .ToDictionary(f => f, File.ReadAllText);

        var down = await RunAsync("down");
        var up = await RunAsync("up");
        var get = await RunAsync("get", "t1", "k1");

        Assert.That(down.ExitCode, Is.EqualTo(0), down.ToString());
        Assert.That(up.ExitCode, Is.EqualTo(0), up.ToString());
        Assert.That(before.Keys.ToDictionary(f => f, File.ReadAllText), Is.EqualTo(before));
        Assert.That(get.Out.Split('\n')[0], Is.EqualTo("v1"), get.ToString());
    }

    [Test, Order(7)]
    public async Task UpInsecure_OnASecureCluster_RefusedNamingTheWayOut()
    {
        var up = await RunAsync("up", "--insecure");

        Assert.That(up.ExitCode, Is.EqualTo(1), up.ToString());
        Assert.That(up.Error, Does.Contain("is secure"));
    }

    [Test, Order(8)]
    public async Task TenantKey_RefusedOnTheAdminApi_AndRevokedWithinSeconds()
    {
        var create = await RunAsync("tenants", "create", "t3");
        Assert.That(create.ExitCode, Is.EqualTo(0), create.ToString());
        var key = create.Out.TrimEnd().Split('\n')[^1];
        var asT3 = new Dictionary<string, string> { [ClusterAccess.ApiKeyVariable] = key };
        var put = await PairDbScript.RunAsync(["put", "t3", "k", "v", .. Data], environment: asT3);
        Assert.That(put.ExitCode, Is.EqualTo(0), put.ToString());

        // A tenant's key on the operators' API: authenticated, but not allowed.
        var state = PairDb.Client.Tooling.Cluster.ClusterState.TryLoad(_directory.Path)!;
        using var ca = PemFiles.LoadCertificate(_files.CaCertificatePath);
        using (var http = PairDbTransport.CreateHttpClient(ca, key, TimeSpan.FromSeconds(10)))
        {
            using var admin = await http.GetAsync(new Uri($"https://127.0.0.1:{state.CoordinatorHttpPort}/api/v1/tenants"));
            var body = await admin.Content.ReadAsStringAsync();
            Assert.That((int)admin.StatusCode, Is.EqualTo(403), body);
            Assert.That(body, Does.Contain("1011").And.Not.Contain(key));
        }

        var revoke = await RunAsync("tenants", "revoke", "t3");
        Assert.That(revoke.ExitCode, Is.EqualTo(0), revoke.ToString());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        ScriptRun refused;
        do
        {
            refused = await PairDbScript.RunAsync(["put", "t3", "k", "v2", .. Data], environment: asT3);
        }
        while (refused.ExitCode == 0 && DateTime.UtcNow < deadline);

        Assert.That(refused.ExitCode, Is.EqualTo(1), $"a put with t3's revoked key was still accepted 30 s after the revocation: {refused}");
        Assert.That(refused.Error, Does.Contain("1010"), refused.ToString());
        var get = await RunAsync("get", "t1", "k1");
        Assert.That(get.Out.Split('\n')[0], Is.EqualTo("v1"), $"another tenant's key still works: {get}");
    }

    private Task<ScriptRun> RunAsync(params string[] args) => PairDbScript.RunAsync([.. args, .. Data], args[0] == "up" ? UpTimeout : null);
}
