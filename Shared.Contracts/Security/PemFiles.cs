using System.Security.Cryptography.X509Certificates;

namespace PairDb.Contracts.Security;

/// <summary>Reads and writes certificates and keys as PEM files; private keys and secrets are readable by their owner only.</summary>
public static class PemFiles
{
    /// <summary>Writes the certificate to <paramref name="certificatePath"/> and, when given, its private key (PKCS#8) to <paramref name="keyPath"/> (mode 0600).</summary>
    public static void Write(X509Certificate2 certificate, string certificatePath, string? keyPath)
    {
        WriteText(certificatePath, certificate.ExportCertificatePem(), ownerOnly: false);
        if (keyPath is not null)
        {
            using var key = certificate.GetECDsaPrivateKey() ?? throw new ArgumentException("the certificate has no ECDSA private key", nameof(certificate));
            WriteText(keyPath, key.ExportPkcs8PrivateKeyPem(), ownerOnly: true);
        }
    }

    /// <summary>A certificate with its private key, from two PEM files.</summary>
    public static X509Certificate2 LoadWithKey(string certificatePath, string keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        // Re-import as PKCS#12 so SslStream can use the key on every platform (ephemeral PEM keys cannot serve TLS on Windows).
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A certificate without key (the cluster CA), from a PEM file.</summary>
    public static X509Certificate2 LoadCertificate(string certificatePath) =>
        X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));

    /// <summary>Writes a secret (token, API key) as one line, readable by its owner only.</summary>
    public static void WriteSecret(string path, string secret) => WriteText(path, secret + "\n", ownerOnly: true);

    /// <summary>Reads a secret file written by <see cref="WriteSecret"/> (surrounding whitespace ignored).</summary>
    public static string ReadSecret(string path) => File.ReadAllText(path).Trim();

    private static void WriteText(string path, string text, bool ownerOnly)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            // Created 0600 from the start: never readable by others, not even for an instant.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
