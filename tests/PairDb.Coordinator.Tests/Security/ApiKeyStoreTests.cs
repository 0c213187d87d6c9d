using System.Text;
using System.Text.Json;
using PairDb.Contracts.Errors;
using PairDb.Coordinator.Security;
using PairDb.Coordinator.Tests.Support;

namespace PairDb.Coordinator.Tests.Security;

/// <summary>api_keys through <see cref="ApiKeyStore"/> on a real PostgreSQL: what is stored, listed and revoked.</summary>
public sealed class ApiKeyStoreTests
{
    private MetadataDatabase _database = null!;
    private ApiKeyParts _parts = null!;

    private ApiKeyStore Store => _parts.Store;

    [OneTimeSetUp]
    public async Task CreateDatabaseAsync()
    {
        _database = await MetadataDatabase.CreateAsync();
        _parts = await ApiKeyParts.StartAsync(_database.ConnectionString, TimeProvider.System, TimeSpan.FromSeconds(2));
    }

    [OneTimeTearDown]
    public async Task DropDatabaseAsync()
    {
        await _parts.DisposeAsync();
        await _database.DisposeAsync();
    }

    [SetUp]
    public Task EmptyAsync() => _database.ScalarAsync<object>("TRUNCATE api_keys");

    [Test]
    public async Task Create_KeyHasTheContractFormat_AndRowHoldsSaltedHmacNotTheKey()
    {
        var created = await Store.CreateAsync("t1", null, CancellationToken.None);

        Assert.That(created.ApiKey, Does.Match("^pdb_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$"));
        Assert.That(created.ApiKey, Does.StartWith($"pdb_{created.KeyId}_"));
        var secret = created.ApiKey[(4 + 16 + 1)..];
        var rows = await _database.QueryAsync("SELECT key_id, tenant, salt, hash, expires_at, revoked_at FROM api_keys");
        var row = rows.Single();
        Assert.That(row["key_id"], Is.EqualTo(created.KeyId));
        Assert.That(row["tenant"], Is.EqualTo("t1"));
        Assert.That(row["expires_at"], Is.Null);
        Assert.That(row["revoked_at"], Is.Null);
        var salt = (byte[])row["salt"]!;
        var hash = (byte[])row["hash"]!;
        Assert.That(salt, Has.Length.EqualTo(16));
        Assert.That(hash, Is.EqualTo(System.Security.Cryptography.HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(secret))));
        var everything = await _database.ScalarAsync<string>("SELECT string_agg(t::text, ' ') FROM api_keys t");
        Assert.That(everything, Does.Not.Contain(secret).And.Not.Contain(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(secret))),
            "neither the secret nor its bytes are stored");
    }

    [Test]
    public async Task Create_TwoKeys_DifferentIdsSaltsAndSecrets()
    {
        var first = await Store.CreateAsync("t1", null, CancellationToken.None);
        var second = await Store.CreateAsync("t1", null, CancellationToken.None);

        Assert.That(second.KeyId, Is.Not.EqualTo(first.KeyId));
        Assert.That(second.ApiKey[21..], Is.Not.EqualTo(first.ApiKey[21..]));
        Assert.That(await _database.ScalarAsync<long>("SELECT count(DISTINCT salt) FROM api_keys"), Is.EqualTo(2L));
    }

    [Test]
    public async Task Create_WithLifetime_ExpiresThatManyDaysAfterCreation()
    {
        var created = await Store.CreateAsync("t1", 30, CancellationToken.None);

        Assert.That(created.ExpiresAt, Is.EqualTo(created.CreatedAt.AddDays(30)));
    }

    [TestCase("")]
    [TestCase("bad tenant")]
    [TestCase("t/1")]
    public void Create_InvalidTenant_Throws1004(string tenant)
    {
        Assert.That(async () => await Store.CreateAsync(tenant, null, CancellationToken.None),
            Throws.InstanceOf<PairDbException>().With.Property(nameof(PairDbException.Code)).EqualTo(ErrorCode.InvalidTenantId));
    }

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(ApiKeyStore.MaxLifetimeDays + 1)]
    public void Create_LifetimeOutOfRange_Throws1000(int days)
    {
        Assert.That(async () => await Store.CreateAsync("t1", days, CancellationToken.None),
            Throws.InstanceOf<PairDbException>().With.Property(nameof(PairDbException.Code)).EqualTo(ErrorCode.InvalidArgument));
    }

    [Test]
    public async Task List_GroupsByTenantAndNeverContainsSecretsOrHashes()
    {
        var a = await Store.CreateAsync("tenant-a", null, CancellationToken.None);
        var b1 = await Store.CreateAsync("tenant-b", 7, CancellationToken.None);
        var b2 = await Store.CreateAsync("tenant-b", null, CancellationToken.None);
        await Store.RevokeAsync("tenant-b", b1.KeyId, CancellationToken.None);

        var listed = await Store.ListAsync(CancellationToken.None);

        Assert.That(listed.Select(k => (k.Tenant, k.KeyId)), Is.EquivalentTo(new[] { ("tenant-a", a.KeyId), ("tenant-b", b1.KeyId), ("tenant-b", b2.KeyId) }));
        Assert.That(listed.Single(k => k.KeyId == b1.KeyId).RevokedAt, Is.Not.Null);
        Assert.That(listed.Single(k => k.KeyId == b2.KeyId).RevokedAt, Is.Null);
        var text = JsonSerializer.Serialize(listed);
        foreach (var created in new[] { a, b1, b2 })
        {
            Assert.That(text, Does.Not.Contain(created.ApiKey[21..]), "no secret in the list");
        }
        var hashes = await _database.QueryAsync("SELECT encode(hash, 'base64') AS h FROM api_keys");
        foreach (var hash in hashes)
        {
            Assert.That(text, Does.Not.Contain((string)hash["h"]!), "no hash in the list");
        }
    }

    [Test]
    public async Task Revoke_OneKey_OnlyThatKeyRevoked_SecondTimeRevokesNothing()
    {
        var first = await Store.CreateAsync("t1", null, CancellationToken.None);
        var second = await Store.CreateAsync("t1", null, CancellationToken.None);

        var revoked = await Store.RevokeAsync("t1", first.KeyId, CancellationToken.None);
        var again = await Store.RevokeAsync("t1", first.KeyId, CancellationToken.None);

        Assert.That(revoked, Is.EqualTo(new RevokeResult(true, [first.KeyId])).Using<RevokeResult>(SameResult));
        Assert.That(again.Found, Is.True);
        Assert.That(again.Revoked, Is.Empty);
        Assert.That(await _database.ScalarAsync<long>($"SELECT count(*) FROM api_keys WHERE revoked_at IS NULL AND key_id = '{second.KeyId}'"), Is.EqualTo(1L));
    }

    [Test]
    public async Task Revoke_All_RevokesEveryActiveKeyOfThatTenantOnly()
    {
        var first = await Store.CreateAsync("t1", null, CancellationToken.None);
        var second = await Store.CreateAsync("t1", null, CancellationToken.None);
        var other = await Store.CreateAsync("t2", null, CancellationToken.None);

        var revoked = await Store.RevokeAsync("t1", null, CancellationToken.None);

        Assert.That(revoked.Revoked, Is.EquivalentTo(new[] { first.KeyId, second.KeyId }));
        Assert.That(await _database.ScalarAsync<string>("SELECT string_agg(key_id, ',') FROM api_keys WHERE revoked_at IS NULL"), Is.EqualTo(other.KeyId));
    }

    [Test]
    public async Task Revoke_UnknownTenantOrKeyOfAnotherTenant_NotFound()
    {
        var other = await Store.CreateAsync("t2", null, CancellationToken.None);

        Assert.That((await Store.RevokeAsync("t1", null, CancellationToken.None)).Found, Is.False);
        Assert.That((await Store.RevokeAsync("t1", other.KeyId, CancellationToken.None)).Found, Is.False);
        Assert.That(await _database.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL"), Is.EqualTo(1L));
    }

    private static bool SameResult(RevokeResult x, RevokeResult y) => x.Found == y.Found && x.Revoked.SequenceEqual(y.Revoked);
}
