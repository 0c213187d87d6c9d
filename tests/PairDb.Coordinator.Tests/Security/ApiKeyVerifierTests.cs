using Microsoft.Extensions.Time.Testing;
using Npgsql;
using PairDb.Coordinator.Security;
using PairDb.Coordinator.Tests.Support;

namespace PairDb.Coordinator.Tests.Security;

/// <summary><see cref="ApiKeyVerifier"/> against a real PostgreSQL: matches, refusals, caching and revocation across coordinators.</summary>
public sealed class ApiKeyVerifierTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private MetadataDatabase _database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseAsync() => _database = await MetadataDatabase.CreateAsync();

    [OneTimeTearDown]
    public async Task DropDatabaseAsync() => await _database.DisposeAsync();

    [Test]
    public async Task Verify_CreatedKey_ReturnsItsTenantAndKeyId()
    {
        await using var parts = await ApiKeyParts.StartAsync(_database.ConnectionString, TimeProvider.System, Interval);
        var created = await parts.Store.CreateAsync("tenant-ok", null, CancellationToken.None);

        var match = await parts.VerifyAsync(created.ApiKey);

        Assert.That(match?.Tenant, Is.EqualTo("tenant-ok"));
        Assert.That(match?.KeyId, Is.EqualTo(created.KeyId));
    }

    [Test]
    public async Task Verify_RightKeyIdWrongSecret_ReturnsNull_BeforeAndAfterTheKeyIsCached()
    {
        await using var parts = await ApiKeyParts.StartAsync(_database.ConnectionString, TimeProvider.System, Interval);
        var created = await parts.Store.CreateAsync("tenant-wrong", null, CancellationToken.None);
        var forged = ApiKeyFormat.Format(created.KeyId, ApiKeyFormat.NewSecret());

        var beforeCached = await parts.VerifyAsync(forged);
        var genuine = await parts.VerifyAsync(created.ApiKey);
        var afterCached = await parts.VerifyAsync(forged);

        Assert.That(beforeCached, Is.Null);
        Assert.That(genuine, Is.Not.Null);
        Assert.That(afterCached, Is.Null);
    }

    /// <summary>The verifier's database is unreachable: only a check that needs no lookup can answer.</summary>
    [TestCase("")]
    [TestCase("not-a-key")]
    [TestCase("pdb_0123456789abcdef_")]
    [TestCase("pdb_0123456789ABCDEF_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [TestCase("pdb_0123456789abcdef-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [TestCase("pdx_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [TestCase("pdb_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [TestCase("pdb_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [TestCase("Bearer pdb_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Verify_Malformed_ReturnsNullWithoutDatabase(string presented)
    {
        await using var parts = await ApiKeyParts.StartAsync(UnreachableDatabase, TimeProvider.System, Interval);

        Assert.That(await parts.VerifyAsync(presented), Is.Null);
    }

    [Test]
    public async Task Verify_WellFormedKeyWithUnreachableDatabase_Throws()
    {
        // The other side of the malformed cases: a well-formed key does need the database.
        await using var parts = await ApiKeyParts.StartAsync(UnreachableDatabase, TimeProvider.System, Interval);

        Assert.That(async () => await parts.VerifyAsync(ApiKeyFormat.Format(ApiKeyFormat.NewKeyId(), ApiKeyFormat.NewSecret())),
            Throws.Exception.With.InnerException.InstanceOf<NpgsqlException>());
    }

    [Test]
    public async Task Verify_KeyExpiredInDatabase_ReturnsNull()
    {
        await using var parts = await ApiKeyParts.StartAsync(_database.ConnectionString, TimeProvider.System, Interval);
        var created = await parts.Store.CreateAsync("tenant-expired", 1, CancellationToken.None);
        await _database.ScalarAsync<object>($"UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE key_id = '{created.KeyId}'");

        Assert.That(await parts.VerifyAsync(created.ApiKey), Is.Null);
    }

    [Test]
    public async Task Verify_CachedKeyPastItsExpiry_ReturnsNullWithoutWaitingForARefresh()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var parts = await ApiKeyParts.StartAsync(_database.ConnectionString, time, Interval);
        var created = await parts.Store.CreateAsync("tenant-expiring", 1, CancellationToken.None);
        Assert.That(await parts.VerifyAsync(created.ApiKey), Is.Not.Null, "valid on its first day");

        // A refresh just before the expiry confirms the cached entry; the expiry passes before the next one.
        time.Advance(TimeSpan.FromDays(1) - Interval);
        await parts.Verifier.RefreshAsync(CancellationToken.None);
        Assert.That(parts.Verifier.CachedCount, Is.EqualTo(1), "still cached after the refresh");
        time.Advance(Interval + TimeSpan.FromMilliseconds(1));

        Assert.That(await parts.VerifyAsync(created.ApiKey), Is.Null);
    }

    [Test]
    public async Task Revoke_OnOneCoordinator_AnotherCoordinatorRefusesTheCachedKeyAfterItsRefresh()
    {
        await using var first = await ApiKeyParts.StartAsync(_database.ConnectionString, TimeProvider.System, Interval, refreshing: true);
        await using var second = await ApiKeyParts.StartAsync(_database.ConnectionString, TimeProvider.System, Interval, refreshing: true);
        var created = await first.Store.CreateAsync("tenant-revoked", null, CancellationToken.None);
        Assert.That(await first.VerifyAsync(created.ApiKey), Is.Not.Null);
        Assert.That(await second.VerifyAsync(created.ApiKey), Is.Not.Null, "accepted, and now cached, by the second coordinator");
        Assert.That(second.Verifier.CachedCount, Is.EqualTo(1));

        await first.Store.RevokeAsync("tenant-revoked", created.KeyId, CancellationToken.None);

        await Eventually.WaitAsync(async () => await second.VerifyAsync(created.ApiKey) is null,
            "the second coordinator's refresher to drop the key revoked on the first");
        Assert.That(second.Verifier.CachedCount, Is.Zero);
    }

    [Test]
    public async Task Refresh_KeyStillValid_StaysCached()
    {
        await using var parts = await ApiKeyParts.StartAsync(_database.ConnectionString, TimeProvider.System, Interval);
        var created = await parts.Store.CreateAsync("tenant-kept", null, CancellationToken.None);
        await parts.VerifyAsync(created.ApiKey);

        await parts.Verifier.RefreshAsync(CancellationToken.None);

        Assert.That(parts.Verifier.CachedCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Verify_DuringMetadataOutage_KeyVerifiedBeforeStaysValidUntilTheDatabaseReturns()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var parts = await ApiKeyParts.StartAsync(_database.ConnectionString, time, Interval);
        var created = await parts.Store.CreateAsync("tenant-outage", null, CancellationToken.None);
        Assert.That(await parts.VerifyAsync(created.ApiKey), Is.Not.Null, "verified before the outage");

        // PostgreSQL goes away; no refresh confirms the key for longer than the staleness limit. The revocation
        // below is what a refresh or lookup would see: while the database is unreachable nothing here looks.
        await _database.ScalarAsync<object>($"UPDATE api_keys SET revoked_at = now() WHERE key_id = '{created.KeyId}'");
        parts.Availability.ReportFailure(new TimeoutException("test: metadata unreachable"));
        time.Advance(Interval * (ApiKeyVerifier.StaleAfterIntervals + 1));
        Assert.That(await parts.VerifyAsync(created.ApiKey), Is.Not.Null, "still valid during the outage");

        // Back: the stale entry is looked up again and the revocation takes effect.
        parts.Availability.ReportSuccess();
        Assert.That(await parts.VerifyAsync(created.ApiKey), Is.Null);
    }

    [Test]
    public async Task Verify_UnknownKeyId_RememberedForOneRefreshInterval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var parts = await ApiKeyParts.StartAsync(_database.ConnectionString, time, Interval);
        var keyId = ApiKeyFormat.NewKeyId();
        var secret = ApiKeyFormat.NewSecret();
        var key = ApiKeyFormat.Format(keyId, secret);
        Assert.That(await parts.VerifyAsync(key), Is.Null, "no such key yet");

        // The row appears (only a test can know a key id in advance); the miss is remembered until the interval passes.
        await InsertAsync(keyId, "tenant-late", secret);
        Assert.That(await parts.VerifyAsync(key), Is.Null, "the unknown id is remembered, not looked up again");
        time.Advance(Interval);

        Assert.That((await parts.VerifyAsync(key))?.Tenant, Is.EqualTo("tenant-late"));
    }

    [Test]
    public async Task Verify_FloodOfUnknownKeys_AtMostFourLookupsReachPostgres()
    {
        await using var parts = await ApiKeyParts.StartAsync(_database.ConnectionString, TimeProvider.System, Interval);
        const int flood = 20;
        // Holding a lock on api_keys parks every lookup in PostgreSQL, where they can be counted.
        await using var blocker = new NpgsqlConnection(_database.ConnectionString);
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE", blocker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }
        var verifies = Enumerable.Range(0, flood)
            .Select(_ => parts.VerifyAsync(ApiKeyFormat.Format(ApiKeyFormat.NewKeyId(), ApiKeyFormat.NewSecret())).AsTask())
            .ToList();

        await Eventually.WaitAsync(async () => parts.Verifier.QueuedLookups == flood - ApiKeyVerifier.MaxConcurrentLookups
                && await LockedLookupsAsync() == ApiKeyVerifier.MaxConcurrentLookups,
            $"{ApiKeyVerifier.MaxConcurrentLookups} lookups waiting on the lock in PostgreSQL and the other {flood - ApiKeyVerifier.MaxConcurrentLookups} queued in the verifier");
        await transaction.CommitAsync();

        var results = await Task.WhenAll(verifies);
        Assert.That(results, Is.All.Null);
    }

    /// <summary>Nothing listens on port 1: connecting fails at once.</summary>
    private static string UnreachableDatabase => "Host=127.0.0.1;Port=1;Database=none;Username=none;Timeout=2";

    private async Task InsertAsync(string keyId, string tenant, string secret)
    {
        var salt = ApiKeyHash.NewSalt();
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("INSERT INTO api_keys (key_id, tenant, salt, hash) VALUES ($1, $2, $3, $4)", connection);
        insert.Parameters.Add(new NpgsqlParameter { Value = keyId });
        insert.Parameters.Add(new NpgsqlParameter { Value = tenant });
        insert.Parameters.Add(new NpgsqlParameter { Value = salt });
        insert.Parameters.Add(new NpgsqlParameter { Value = ApiKeyHash.Compute(salt, secret) });
        await insert.ExecuteNonQueryAsync();
    }

    private async Task<long> LockedLookupsAsync() =>
        await _database.ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%api_keys%'");
}
