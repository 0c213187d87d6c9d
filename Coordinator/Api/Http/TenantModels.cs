using System.Text.Json.Serialization;
using PairDb.Coordinator.Security;

namespace PairDb.Coordinator.Api.Http;

/// <summary>Body of <c>POST /api/v1/tenants/{tenant}/keys</c>; empty or absent: a key that never expires.</summary>
public sealed record CreateApiKeyBody(int? ExpiresInDays);

/// <summary>The reply to a key creation: the only time <see cref="ApiKey"/> is ever shown. A null expires_at (never) is written out.</summary>
public sealed record NewApiKeyJson(
    string Tenant,
    string KeyId,
    string ApiKey,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? ExpiresAt)
{
    public static NewApiKeyJson From(NewApiKey key) => new(key.Tenant, key.KeyId, key.ApiKey, key.CreatedAt, key.ExpiresAt);
}

/// <summary><c>GET /api/v1/tenants</c>: each tenant that has keys, with their ids and times (never a secret).</summary>
public sealed record TenantListJson(IReadOnlyList<TenantJson> Tenants)
{
    public static TenantListJson From(IReadOnlyList<ApiKeyInfo> keys)
    {
        var tenants = new List<TenantJson>();
        List<ApiKeyJson>? current = null;
        foreach (var key in keys)
        {
            // ApiKeyStore.ListAsync returns keys grouped by tenant.
            if (current is null || tenants[^1].Tenant != key.Tenant)
            {
                current = [];
                tenants.Add(new TenantJson(key.Tenant, current));
            }
            current.Add(new ApiKeyJson(key.KeyId, key.CreatedAt, key.ExpiresAt, key.RevokedAt));
        }
        return new TenantListJson(tenants);
    }
}

public sealed record TenantJson(string Tenant, IReadOnlyList<ApiKeyJson> Keys);

/// <summary>Null expires_at / revoked_at are written out (as null): "never" and "not revoked" are answers.</summary>
public sealed record ApiKeyJson(
    string KeyId,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? ExpiresAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? RevokedAt);

/// <summary>The reply to a revocation: the keys this call revoked (already revoked ones are not repeated).</summary>
public sealed record RevokedKeysJson(string Tenant, IReadOnlyList<string> Revoked);
