using System.Security.Cryptography.X509Certificates;
using PairDb.Contracts.Security;

namespace PairDb.Shared.Contracts.Tests.Security;

public sealed class CertificateAuthorityTests
{
    private static readonly TimeSpan Year = TimeSpan.FromDays(365);

    [Test]
    public void IssueMember_ChainsToItsCaOnly()
    {
        using var ca = CertificateAuthority.CreateCa("cluster-a", Year);
        using var other = CertificateAuthority.CreateCa("cluster-b", Year);
        using var member = CertificateAuthority.IssueMember(ca, "node-1", ["127.0.0.1", "localhost"], Year);

        Assert.Multiple(() =>
        {
            Assert.That(CertificateAuthority.IsIssuedBy(member, ca, CertificateAuthority.ClientAuthOid), Is.True);
            Assert.That(CertificateAuthority.IsIssuedBy(member, ca, CertificateAuthority.ServerAuthOid), Is.True);
            Assert.That(CertificateAuthority.IsIssuedBy(member, other, CertificateAuthority.ClientAuthOid), Is.False, "another cluster's CA");
            Assert.That(CertificateAuthority.IsIssuedBy(other, ca, CertificateAuthority.ClientAuthOid), Is.False, "a CA is not a member");
            Assert.That(member.HasPrivateKey, Is.True);
            Assert.That(member.MatchesHostname("localhost"), Is.True);
            Assert.That(member.MatchesHostname("127.0.0.1"), Is.True);
        });
    }

    [Test]
    public void IssueMember_SelfSignedLookalike_IsNotAMember()
    {
        using var ca = CertificateAuthority.CreateCa("cluster-a", Year);
        // Same subject name as the real CA, but its own key: what a tenant could make on its laptop.
        using var forgedCa = CertificateAuthority.CreateCa("cluster-a", Year);
        using var forged = CertificateAuthority.IssueMember(forgedCa, "node-1", ["127.0.0.1"], Year);

        Assert.That(CertificateAuthority.IsIssuedBy(forged, ca, CertificateAuthority.ClientAuthOid), Is.False);
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void PemFiles_RoundTrip_KeyAndSecretsOwnerOnly()
    {
        var directory = Directory.CreateTempSubdirectory("pairdb-pem-");
        try
        {
            using var ca = CertificateAuthority.CreateCa("cluster", Year);
            using var member = CertificateAuthority.IssueMember(ca, "node-1", ["127.0.0.1"], Year);
            var (crt, key, caCrt, token) = (Path.Combine(directory.FullName, "node.crt"), Path.Combine(directory.FullName, "node.key"),
                Path.Combine(directory.FullName, "ca.crt"), Path.Combine(directory.FullName, "operator.token"));
            PemFiles.Write(member, crt, key);
            PemFiles.Write(ca, caCrt, keyPath: null);
            PemFiles.WriteSecret(token, "s3cret");

            using var loaded = PemFiles.LoadWithKey(crt, key);
            using var loadedCa = PemFiles.LoadCertificate(caCrt);
            Assert.Multiple(() =>
            {
                Assert.That(loaded.HasPrivateKey, Is.True);
                Assert.That(loaded.Thumbprint, Is.EqualTo(member.Thumbprint));
                Assert.That(CertificateAuthority.IsIssuedBy(loaded, loadedCa, CertificateAuthority.ClientAuthOid), Is.True);
                Assert.That(PemFiles.ReadSecret(token), Is.EqualTo("s3cret"));
                Assert.That(File.GetUnixFileMode(key), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
                Assert.That(File.GetUnixFileMode(token), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
                Assert.That(File.ReadAllText(caCrt), Does.Not.Contain("PRIVATE KEY"));
            });
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
