using System.Security.Cryptography;
using System.Text;

namespace PairDb.Coordinator.Security;

/// <summary>
/// How a key's secret is kept: HMACSHA256 keyed by a random per-key salt. The secret already carries
/// 256 random bits, so a slow password KDF would add cost to every request without adding strength;
/// the salt keeps equal secrets from having equal hashes and the hash useless as a lookup table.
/// </summary>
public static class ApiKeyHash
{
    public const int SaltBytes = 16;

    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltBytes);

    public static byte[] Compute(byte[] salt, string secret) => HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(secret));

    /// <summary>Compares in constant time, so response timing says nothing about how much of a guess was right.</summary>
    public static bool Matches(byte[] salt, byte[] hash, string secret) =>
        CryptographicOperations.FixedTimeEquals(Compute(salt, secret), hash);
}
