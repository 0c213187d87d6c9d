using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PairDb.Contracts.Security;

/// <summary>
/// The cluster's own certificate authority (CockroachDB's <c>cert create-ca</c> / <c>create-node</c>):
/// one self-signed CA, and member certificates it signs for the coordinators and storage nodes. A member
/// certificate serves TLS on its host's ports and, presented as a client certificate, proves a caller is a
/// cluster member. Tenants and operators never hold one, so they cannot call the internal plane.
/// </summary>
public static class CertificateAuthority
{
    /// <summary>OID of the TLS server authentication extended key usage.</summary>
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>OID of the TLS client authentication extended key usage.</summary>
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>A new self-signed CA (ECDSA P-256) that can sign member certificates and nothing below them.</summary>
    public static X509Certificate2 CreateCa(string commonName, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}, O=pairdb"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now + validity);
    }

    /// <summary>
    /// A member certificate signed by <paramref name="ca"/> (which must hold its private key), valid for TLS
    /// server and client authentication, naming <paramref name="hosts"/> (DNS names or IP addresses) as
    /// subject alternative names so peers can check the host they dialled.
    /// </summary>
    public static X509Certificate2 IssueMember(X509Certificate2 ca, string commonName, IEnumerable<string> hosts, TimeSpan validity)
    {
        using var caKey = ca.GetECDsaPrivateKey() ?? throw new ArgumentException("the CA certificate has no ECDSA private key", nameof(ca));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}, O=pairdb, OU=member"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthOid), new Oid(ClientAuthOid)], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
        {
            if (IPAddress.TryParse(host, out var address))
            {
                names.AddIpAddress(address);
            }
            else
            {
                names.AddDnsName(host);
            }
        }
        request.CertificateExtensions.Add(names.Build());

        var now = DateTimeOffset.UtcNow;
        var notAfter = now + validity < ca.NotAfter ? now + validity : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        using var unsigned = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now.AddMinutes(-5), notAfter, serial);
        return unsigned.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// True when <paramref name="presented"/> chains to <paramref name="ca"/> alone (not the machine's
    /// trust store), is within its validity period and carries the extended key usage <paramref name="usageOid"/>.
    /// </summary>
    public static bool IsIssuedBy(X509Certificate2 presented, X509Certificate2 ca, string usageOid)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(usageOid));
        if (!chain.Build(presented))
        {
            return false;
        }

        // The chain must end at this CA, not merely at some root in the custom store.
        var root = chain.ChainElements[^1].Certificate;
        return root.RawData.AsSpan().SequenceEqual(ca.RawData);
    }
}
