using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace PairDb.Coordinator.Security;

/// <summary>
/// The shape of a tenant API key: <c>pdb_&lt;key id: 16 lowercase hex&gt;_&lt;secret: 32 random bytes,
/// base64url without padding&gt;</c>. The key id is the public half (logged, listed, used to find the
/// row); the secret is never stored or logged. Parsing is a pure shape check, so a malformed
/// credential is refused before anything is looked up.
/// </summary>
public static class ApiKeyFormat
{
    public const string Prefix = "pdb_";
    public const int KeyIdLength = 16;
    public const int SecretBytes = 32;

    /// <summary>43: the unpadded base64url length of <see cref="SecretBytes"/>.</summary>
    public const int SecretLength = (SecretBytes * 4 + 2) / 3;

    public const int Length = 4 + KeyIdLength + 1 + SecretLength;

    private const int SeparatorIndex = 4 + KeyIdLength;

    public static string NewKeyId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdLength / 2));

    public static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    public static string Format(string keyId, string secret) => $"{Prefix}{keyId}_{secret}";

    /// <summary>Splits a well-formed key into its id and secret; false for anything else.</summary>
    public static bool TryParse(string? presented, [NotNullWhen(true)] out string? keyId, [NotNullWhen(true)] out string? secret)
    {
        keyId = null;
        secret = null;
        if (presented is null || presented.Length != Length || !presented.StartsWith(Prefix, StringComparison.Ordinal) || presented[SeparatorIndex] != '_')
        {
            return false;
        }
        var id = presented.AsSpan(Prefix.Length, KeyIdLength);
        var text = presented.AsSpan(SeparatorIndex + 1);
        if (!IsLowerHex(id) || !Base64Url.IsValid(text, out var decodedLength) || decodedLength != SecretBytes)
        {
            return false;
        }
        keyId = id.ToString();
        secret = text.ToString();
        return true;
    }

    /// <summary>True for a key id as <see cref="NewKeyId"/> makes them (route parameters are checked with it too).</summary>
    public static bool IsKeyId(ReadOnlySpan<char> keyId) => keyId.Length == KeyIdLength && IsLowerHex(keyId);

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }
        return true;
    }
}
