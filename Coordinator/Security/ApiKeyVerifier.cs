using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PairDb.Coordinator.Data;
using PairDb.Hosting.Security;

namespace PairDb.Coordinator.Security;

/// <summary>
/// Verifies tenant API keys with as little PostgreSQL as possible, without letting revocation lag.
/// <list type="bullet">
/// <item>A malformed key is refused by its shape alone (<see cref="ApiKeyFormat.TryParse"/>): no lookup.</item>
/// <item>A key id found valid is cached with its salt, hash, tenant and expiry; later requests recompute
/// the HMAC and compare in constant time against the cached hash, and check the expiry, in memory.</item>
/// <item><see cref="RefreshAsync"/> (every <see cref="SecurityOptions.ApiKeyRefreshInterval"/>, from
/// <see cref="ApiKeyRefresher"/>) asks PostgreSQL which cached ids are still unrevoked and unexpired and
/// drops the others, so a revocation made on any coordinator takes effect here within one interval
/// (two when a lookup that started before the revocation lands just after a refresh).</item>
/// <item>An entry no refresh has confirmed for <see cref="StaleAfterIntervals"/> intervals is looked up again,
/// unless the database is unreachable (<see cref="MetadataAvailability"/>): during a PostgreSQL outage keys
/// already verified stay valid (their expiry still applies), because refusing every tenant would turn a metadata
/// outage into a data outage. The trade-off: a key revoked during the outage keeps working here until the
/// database returns and the next refresh drops it (within one interval of its return).</item>
/// <item>An id with no usable row is remembered as unknown for one interval, and at most
/// <see cref="MaxConcurrentLookups"/> lookups run at once: a flood of made-up keys costs PostgreSQL a
/// bounded number of concurrent indexed reads, never one connection per request.</item>
/// </list>
/// </summary>
public sealed class ApiKeyVerifier : ITenantKeyVerifier, IDisposable
{
    public const int MaxConcurrentLookups = 4;
    public const int StaleAfterIntervals = 5;

    /// <summary>Bounds the unknown-id memory; past it the memory starts over (it only saves lookups).</summary>
    public const int MaxUnknownIds = 10_000;

    private readonly ApiKeyStore _store;
    private readonly TimeProvider _time;
    private readonly MetadataAvailability _availability;
    private readonly TimeSpan _interval;
    private readonly ConcurrentDictionary<string, VerifiedKey> _verified = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _unknownUntil = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lookups = new(MaxConcurrentLookups, MaxConcurrentLookups);
    private int _queuedLookups;

    public ApiKeyVerifier(ApiKeyStore store, TimeProvider time, IOptions<SecurityOptions> options, MetadataAvailability availability)
    {
        _store = store;
        _time = time;
        _availability = availability;
        _interval = options.Value.ApiKeyRefreshInterval;
    }

    /// <summary>How many key ids are cached as verified (tests, diagnostics).</summary>
    public int CachedCount => _verified.Count;

    /// <summary>Lookups waiting for one of the <see cref="MaxConcurrentLookups"/> slots (tests, diagnostics).</summary>
    public int QueuedLookups => Volatile.Read(ref _queuedLookups);

    public async ValueTask<TenantKeyMatch?> VerifyAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.TryParse(presentedKey, out var keyId, out var secret))
        {
            return null;
        }
        var now = _time.GetUtcNow();
        if (TryCached(keyId, now, out var cached))
        {
            return Check(cached, keyId, secret, now);
        }
        if (IsKnownUnknown(keyId, now))
        {
            return null;
        }
        Interlocked.Increment(ref _queuedLookups);
        try
        {
            await _lookups.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _queuedLookups);
        }
        try
        {
            // Requests for the same new key queue here behind the first; it has cached the answer by now.
            now = _time.GetUtcNow();
            if (TryCached(keyId, now, out cached))
            {
                return Check(cached, keyId, secret, now);
            }
            if (IsKnownUnknown(keyId, now))
            {
                return null;
            }
            var loaded = await LoadAsync(keyId, now, cancellationToken);
            return loaded is null ? null : Check(loaded, keyId, secret, now);
        }
        finally
        {
            _lookups.Release();
        }
    }

    /// <summary>Drops the cached keys that were revoked, expired or deleted since they were verified.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var (id, until) in _unknownUntil)
        {
            if (until <= now)
            {
                _unknownUntil.TryRemove(new KeyValuePair<string, DateTimeOffset>(id, until));
            }
        }
        var snapshot = _verified.ToArray();
        if (snapshot.Length == 0)
        {
            return;
        }
        var ids = new List<string>(snapshot.Length);
        foreach (var (id, _) in snapshot)
        {
            ids.Add(id);
        }
        var valid = await _store.StillValidAsync(ids, now, cancellationToken);
        foreach (var (id, entry) in snapshot)
        {
            // Only the entry this refresh read is replaced or removed: one a lookup put there since is newer.
            if (valid.Contains(id))
            {
                _verified.TryUpdate(id, entry with { ConfirmedAt = now }, entry);
            }
            else
            {
                _verified.TryRemove(new KeyValuePair<string, VerifiedKey>(id, entry));
            }
        }
    }

    /// <summary>Forgets keys revoked through this coordinator at once, without waiting for the next refresh.</summary>
    public void Forget(IEnumerable<string> keyIds)
    {
        foreach (var id in keyIds)
        {
            _verified.TryRemove(id, out _);
        }
    }

    public void Dispose() => _lookups.Dispose();

    private bool TryCached(string keyId, DateTimeOffset now, out VerifiedKey entry) =>
        _verified.TryGetValue(keyId, out entry!) && (now - entry.ConfirmedAt < _interval * StaleAfterIntervals || !_availability.IsAvailable);

    private bool IsKnownUnknown(string keyId, DateTimeOffset now) =>
        _unknownUntil.TryGetValue(keyId, out var until) && until > now;

    private async Task<VerifiedKey?> LoadAsync(string keyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await _store.FindAsync(keyId, cancellationToken);
        if (row is null || row.RevokedAt is not null || row.ExpiresAt <= now)
        {
            if (_unknownUntil.Count >= MaxUnknownIds)
            {
                _unknownUntil.Clear();
            }
            _unknownUntil[keyId] = now + _interval;
            _verified.TryRemove(keyId, out _);
            return null;
        }
        var entry = new VerifiedKey(row.Tenant, row.Salt, row.Hash, row.ExpiresAt, now);
        _verified[keyId] = entry;
        return entry;
    }

    private TenantKeyMatch? Check(VerifiedKey entry, string keyId, string secret, DateTimeOffset now)
    {
        if (entry.ExpiresAt <= now)
        {
            _verified.TryRemove(new KeyValuePair<string, VerifiedKey>(keyId, entry));
            return null;
        }
        return ApiKeyHash.Matches(entry.Salt, entry.Hash, secret) ? new TenantKeyMatch(entry.Tenant, keyId) : null;
    }

    /// <summary>A key id's row as last confirmed usable by PostgreSQL (at <see cref="ConfirmedAt"/>).</summary>
    private sealed record VerifiedKey(string Tenant, byte[] Salt, byte[] Hash, DateTimeOffset? ExpiresAt, DateTimeOffset ConfirmedAt);
}
