namespace PairDb.Coordinator.Data;

/// <summary>
/// A row of <c>api_keys</c>: one tenant API key, stored as a salted keyed hash of its secret. The key
/// itself (<c>pdb_&lt;key_id&gt;_&lt;secret&gt;</c>) is shown once at creation and kept nowhere.
/// </summary>
public sealed class ApiKeyRecord
{
    /// <summary>16 lowercase hex digits: the public half of the key, the only part that may be logged.</summary>
    public required string KeyId { get; set; }

    public required string Tenant { get; set; }

    /// <summary>16 random bytes, the HMAC key of <see cref="Hash"/>.</summary>
    public required byte[] Salt { get; set; }

    /// <summary>HMACSHA256(key: <see cref="Salt"/>, data: UTF-8 secret), 32 bytes.</summary>
    public required byte[] Hash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Null: never expires.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Null: not revoked. Set once; a revoked key never comes back.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}
