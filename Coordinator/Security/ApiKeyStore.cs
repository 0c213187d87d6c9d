using Microsoft.EntityFrameworkCore;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Keys;
using PairDb.Coordinator.Data;

namespace PairDb.Coordinator.Security;

/// <summary>
/// api_keys as operators manage it: create (the only time a key exists in clear), list (never a
/// secret nor a hash), revoke one or all of a tenant's keys. Revocation sets revoked_at once and is
/// never undone; every coordinator's <see cref="ApiKeyVerifier"/> sees it at its next refresh.
/// </summary>
public sealed partial class ApiKeyStore
{
    /// <summary>The longest lifetime an operator may give a key (about 100 years).</summary>
    public const int MaxLifetimeDays = 36_500;

    private readonly IDbContextFactory<PairDbContext> _contexts;
    private readonly TimeProvider _time;
    private readonly ILogger<ApiKeyStore> _logger;

    public ApiKeyStore(IDbContextFactory<PairDbContext> contexts, TimeProvider time, ILogger<ApiKeyStore> logger)
    {
        _contexts = contexts;
        _time = time;
        _logger = logger;
    }

    /// <summary>A new key for <paramref name="tenant"/>, expiring after <paramref name="lifetimeDays"/> when given.</summary>
    public async Task<NewApiKey> CreateAsync(string tenant, int? lifetimeDays, CancellationToken cancellationToken)
    {
        ValidateTenant(tenant);
        if (lifetimeDays is < 1 or > MaxLifetimeDays)
        {
            PairDbException.Throw(ErrorCode.InvalidArgument, $"expires_in_days must be in 1..{MaxLifetimeDays} (got {lifetimeDays})");
        }
        var now = _time.GetUtcNow();
        var secret = ApiKeyFormat.NewSecret();
        var salt = ApiKeyHash.NewSalt();
        var record = new ApiKeyRecord
        {
            KeyId = ApiKeyFormat.NewKeyId(),
            Tenant = tenant,
            Salt = salt,
            Hash = ApiKeyHash.Compute(salt, secret),
            CreatedAt = now,
            ExpiresAt = lifetimeDays is { } days ? now.AddDays(days) : null,
        };
        await using (var db = await _contexts.CreateDbContextAsync(cancellationToken))
        {
            db.ApiKeys.Add(record);
            await db.SaveChangesAsync(cancellationToken);
        }
        LogCreated(_logger, tenant, record.KeyId, record.ExpiresAt);
        return new NewApiKey(tenant, record.KeyId, ApiKeyFormat.Format(record.KeyId, secret), record.CreatedAt, record.ExpiresAt);
    }

    /// <summary>Every key of every tenant, revoked and expired ones included, by tenant then creation.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking()
            .OrderBy(k => k.Tenant).ThenBy(k => k.CreatedAt).ThenBy(k => k.KeyId)
            .Select(k => new ApiKeyInfo(k.Tenant, k.KeyId, k.CreatedAt, k.ExpiresAt, k.RevokedAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Revokes <paramref name="keyId"/> of <paramref name="tenant"/>, or all its keys when null. Idempotent:
    /// keys revoked before keep their revoked_at and are not in <see cref="RevokeResult.Revoked"/>.
    /// </summary>
    public async Task<RevokeResult> RevokeAsync(string tenant, string? keyId, CancellationToken cancellationToken)
    {
        ValidateTenant(tenant);
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var keys = db.ApiKeys.Where(k => k.Tenant == tenant && (keyId == null || k.KeyId == keyId));
        if (!await keys.AnyAsync(cancellationToken))
        {
            return new RevokeResult(Found: false, []);
        }
        var now = _time.GetUtcNow();
        // One statement: a concurrent revocation of the same key leaves it in exactly one reply.
        var update = keyId is null
            ? db.Database.SqlQuery<string>(
                $"UPDATE api_keys SET revoked_at = {now} WHERE tenant = {tenant} AND revoked_at IS NULL RETURNING key_id AS \"Value\"")
            : db.Database.SqlQuery<string>(
                $"UPDATE api_keys SET revoked_at = {now} WHERE tenant = {tenant} AND key_id = {keyId} AND revoked_at IS NULL RETURNING key_id AS \"Value\"");
        var revoked = await update.ToListAsync(cancellationToken);
        revoked.Sort(StringComparer.Ordinal);
        foreach (var id in revoked)
        {
            LogRevoked(_logger, tenant, id);
        }
        return new RevokeResult(Found: true, revoked);
    }

    /// <summary>The row of <paramref name="keyId"/> (salt and hash included: for the verifier only).</summary>
    internal async Task<ApiKeyRecord?> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.KeyId == keyId, cancellationToken);
    }

    /// <summary>Which of <paramref name="keyIds"/> are still usable at <paramref name="now"/>: present, unrevoked, unexpired.</summary>
    internal async Task<HashSet<string>> StillValidAsync(IReadOnlyCollection<string> keyIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var valid = await db.ApiKeys.AsNoTracking()
            .Where(k => keyIds.Contains(k.KeyId) && k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now))
            .Select(k => k.KeyId)
            .ToListAsync(cancellationToken);
        return new HashSet<string>(valid, StringComparer.Ordinal);
    }

    private static void ValidateTenant(string tenant)
    {
        if (!TenantIds.IsValid(tenant))
        {
            PairDbException.Throw(ErrorCode.InvalidTenantId, $"tenant id '{tenant}' is not [A-Za-z0-9_-]{{1,{TenantIds.MaxLength}}}");
        }
    }

    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "API key created tenant={Tenant} key_id={KeyId} expires_at={ExpiresAt}")]
    private static partial void LogCreated(ILogger logger, string tenant, string keyId, DateTimeOffset? expiresAt);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "API key revoked tenant={Tenant} key_id={KeyId}")]
    private static partial void LogRevoked(ILogger logger, string tenant, string keyId);
}

/// <summary>A key just created: <see cref="ApiKey"/> is shown to the operator once and kept nowhere.</summary>
public sealed record NewApiKey(string Tenant, string KeyId, string ApiKey, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>What an operator may see of a key: never its secret nor its hash.</summary>
public sealed record ApiKeyInfo(string Tenant, string KeyId, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

/// <summary><see cref="Found"/>: the tenant (and key id, when given) exist; <see cref="Revoked"/>: the keys this call revoked.</summary>
public sealed record RevokeResult(bool Found, IReadOnlyList<string> Revoked);
