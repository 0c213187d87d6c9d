using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using PairDb.Client.Tooling.Security;
using PairDb.Contracts.Security;
using PairDb.Testing;

namespace PairDb.Client.Tests.Security;

/// <summary>The files a secure <c>./pairdb up</c> writes: who may read them, what the certificates say, and that a second run keeps them.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClusterSecretFilesTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private TestDirectory _directory = null!;
    private ClusterSecretFiles _files = null!;

    [SetUp]
    public void CreateFiles()
    {
        _directory = TestDirectory.Create();
        _files = new ClusterSecretFiles(_directory.Path);
        _files.EnsureCaAndOperatorToken();
        _files.EnsureMember(ClusterSecretFiles.CoordinatorHostId);
        _files.EnsureMember("node-1");
    }

    [TearDown]
    public void Delete() => _directory.Dispose();

    [Test]
    public void Ensure_FreshDirectory_WritesTheContractLayout()
    {
        var expected = new[] { "tls/ca.crt", "tls/ca.key", "tls/coordinator.crt", "tls/coordinator.key", "tls/node-1.crt", "tls/node-1.key", "operator.token" };

        foreach (var file in expected)
        {
            Assert.That(File.Exists(_directory.Combine(file.Split('/'))), Is.True, file);
        }
        Assert.That(_files.Exist, Is.True);
    }

    [Test]
    public void Ensure_KeysAndToken_AreReadableByTheOwnerOnly()
    {
        foreach (var secret in new[] { _files.CaKeyPath, _files.KeyPath("coordinator"), _files.KeyPath("node-1"), _files.OperatorTokenPath })
        {
            Assert.That(File.GetUnixFileMode(secret), Is.EqualTo(OwnerOnly), secret);
        }
        Assert.That(File.GetUnixFileMode(_files.CaCertificatePath) & UnixFileMode.OtherRead, Is.EqualTo(UnixFileMode.OtherRead), "the CA certificate is public");
    }

    [Test]
    public void Ensure_MemberCertificates_ChainToTheCaForServerAndClientAuthWithLoopbackNames()
    {
        using var ca = PemFiles.LoadCertificate(_files.CaCertificatePath);
        foreach (var host in new[] { "coordinator", "node-1" })
        {
            using var member = PemFiles.LoadWithKey(_files.CertificatePath(host), _files.KeyPath(host));

            Assert.That(CertificateAuthority.IsIssuedBy(member, ca, CertificateAuthority.ServerAuthOid), Is.True, host);
            Assert.That(CertificateAuthority.IsIssuedBy(member, ca, CertificateAuthority.ClientAuthOid), Is.True, host);
            var names = member.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
            Assert.That(names.EnumerateIPAddresses(), Is.EquivalentTo(new[] { IPAddress.Loopback }), host);
            Assert.That(names.EnumerateDnsNames(), Is.EquivalentTo(new[] { "localhost" }), host);
            Assert.That(member.HasPrivateKey, Is.True);
        }
    }

    [Test]
    public void Ensure_OperatorToken_Is32RandomBytesBase64Url()
    {
        var token = PemFiles.ReadSecret(_files.OperatorTokenPath);

        Assert.That(Base64Url.DecodeFromChars(token), Has.Length.EqualTo(32));
        Assert.That(token, Does.Not.Contain("=").And.Not.Contain("+").And.Not.Contain("/"));
    }

    [Test]
    public void Ensure_SecondRun_KeepsCaCertificatesAndToken()
    {
        var before = Snapshot();

        var again = new ClusterSecretFiles(_directory.Path);
        again.EnsureCaAndOperatorToken();
        again.EnsureMember("coordinator");
        again.EnsureMember("node-1");

        Assert.That(Snapshot(), Is.EqualTo(before));
    }

    [Test]
    public void EnsureMember_NodeAddedLater_GetsItsOwnCertificateFromTheSameCa()
    {
        _files.EnsureMember("node-4");

        using var ca = PemFiles.LoadCertificate(_files.CaCertificatePath);
        using var added = PemFiles.LoadCertificate(_files.CertificatePath("node-4"));
        using var first = PemFiles.LoadCertificate(_files.CertificatePath("node-1"));
        Assert.That(CertificateAuthority.IsIssuedBy(added, ca, CertificateAuthority.ServerAuthOid), Is.True);
        Assert.That(added.Thumbprint, Is.Not.EqualTo(first.Thumbprint));
        Assert.That(File.GetUnixFileMode(_files.KeyPath("node-4")), Is.EqualTo(OwnerOnly));
    }

    [Test]
    public void EnsureCa_KeyLostButCertificateLeft_RefusesToMakeASecondCa()
    {
        File.Delete(_files.CaKeyPath);

        var error = Assert.Throws<InvalidOperationException>(_files.EnsureCaAndOperatorToken);

        Assert.That(error!.Message, Does.Contain(_files.CaKeyPath));
    }

    [Test]
    public void HostArguments_NameFilesOnly_NeverTheTokenItself()
    {
        var token = PemFiles.ReadSecret(_files.OperatorTokenPath);

        var arguments = _files.HostArguments("node-1");

        Assert.That(arguments, Is.EqualTo(new[]
        {
            $"--PairDb:Security:CertificatePath={_files.CertificatePath("node-1")}",
            $"--PairDb:Security:KeyPath={_files.KeyPath("node-1")}",
            $"--PairDb:Security:CaPath={_files.CaCertificatePath}",
            $"--PairDb:Security:OperatorTokenPath={_files.OperatorTokenPath}",
        }));
        Assert.That(string.Join(' ', arguments), Does.Not.Contain(token));
    }

    [Test]
    public void SaveTenantKey_WritesOwnerOnlyFileTheAccessReadsBack()
    {
        var path = _files.SaveTenantKey("t1", "pdb_0123456789abcdef_secret");

        Assert.That(path, Is.EqualTo(_directory.Combine("tenants", "t1.key")));
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(OwnerOnly));
        Assert.That(ClusterAccess.For(_directory.Path).TenantKey("t1"), Is.EqualTo("pdb_0123456789abcdef_secret"));
        Assert.That(_files.TenantKeyPath("../escape"), Is.Null, "a tenant id never names a file outside tenants/");
    }

    private Dictionary<string, string> Snapshot() =>
        Directory.GetFiles(_directory.Path, "*", SearchOption.AllDirectories).ToDictionary(f => f, f => Convert.ToBase64String(File.ReadAllBytes(f)));
}
