namespace PairDb.Hosting.Security;

/// <summary>The tenant and key id a valid (known, unexpired, unrevoked) tenant API key belongs to.</summary>
public sealed record TenantKeyMatch(string Tenant, string KeyId);

/// <summary>
/// Checks a presented tenant API key. Registered on coordinators only (keys live in PostgreSQL); a host
/// without one accepts no tenant credentials.
/// </summary>
public interface ITenantKeyVerifier
{
    /// <summary>The key's tenant, or null when the key is malformed, unknown, expired or revoked.</summary>
    ValueTask<TenantKeyMatch?> VerifyAsync(string presentedKey, CancellationToken cancellationToken);
}
