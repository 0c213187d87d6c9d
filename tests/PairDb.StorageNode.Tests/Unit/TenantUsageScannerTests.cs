using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PairDb.Contracts.Keys;
using PairDb.Contracts.Versioning;
using PairDb.Engine;
using PairDb.Engine.IO;
using PairDb.StorageNode.Data;
using PairDb.StorageNode.Identity;
using PairDb.Testing;

namespace PairDb.StorageNode.Tests.Unit;

/// <summary>Per-tenant logical bytes: each live key's encoded key plus its stored sibling-set bytes, by tenant.</summary>
public sealed class TenantUsageScannerTests
{
    private TestDirectory _directory = null!;
    private LsmEngine _engine = null!;
    private FakeTimeProvider _time = null!;
    private VersionedStore _store = null!;
    private NodeIdentity _identity = null!;
    private TenantUsageScanner _scanner = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = TestDirectory.Create();
        _time = new FakeTimeProvider(DateTimeOffset.Parse("2025-01-09T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _engine = LsmEngine.Open(new LsmEngineOptions { DataDirectory = _directory.Path, Durability = DurabilityMode.Sync });
        _identity = NodeIdentity.Open(_directory.Path, "n1", PhysicalFileSystem.Instance, _time, NullLogger.Instance);
        _store = new VersionedStore(_engine, new KeyLocks(64), _identity, 3, _time);
        _scanner = new TenantUsageScanner(_store, _time);
    }

    [TearDown]
    public void TearDown()
    {
        _engine.Dispose();
        _identity.Dispose();
        _directory.Dispose();
    }

    [Test]
    public async Task GetAsync_TwoTenants_SumsEachTenantsKeysAndStoredSets()
    {
        var a1 = await WriteAsync("t1", "a", 100);
        var a2 = await WriteAsync("t1", "b", 300);
        var b1 = await WriteAsync("tenant-2", "a", 50);

        var usage = await _scanner.GetAsync();

        Assert.That(usage.Tenants["t1"], Is.EqualTo((a1 + a2, 2UL)));
        Assert.That(usage.Tenants["tenant-2"], Is.EqualTo((b1, 1UL)));
        Assert.That(usage.Tenants, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task GetAsync_DeleteAndClearAll_ShrinkTheFigures()
    {
        await WriteAsync("t1", "a", 1000);
        var kept = await WriteAsync("t1", "b", 10);
        var context = _store.Read(Key("t1", "a"))!.Value.Set.Context;
        var tombstone = await _store.ApplyAsync(KeyMutation.Delete(Key("t1", "a"), context), CancellationToken.None);
        var afterDelete = (ulong)Key("t1", "a").Length + (ulong)tombstone.Bytes.Length;

        Assert.That((await _scanner.GetAsync()).Tenants["t1"], Is.EqualTo((kept + afterDelete, 2UL)), "the value is gone, its tombstone counts");
        await _store.ClearAllAsync(CancellationToken.None);
        _time.Advance(TenantUsageScanner.Reuse);
        Assert.That((await _scanner.GetAsync()).Tenants, Is.Empty);
    }

    [Test]
    public async Task GetAsync_WithinTheReuseTime_AnswersTheSameScan()
    {
        await WriteAsync("t1", "a", 10);
        var first = await _scanner.GetAsync();
        await WriteAsync("t1", "b", 10);

        Assert.That(await _scanner.GetAsync(), Is.SameAs(first));
        _time.Advance(TenantUsageScanner.Reuse);
        Assert.That((await _scanner.GetAsync()).Tenants["t1"].Keys, Is.EqualTo(2UL));
    }

    private static byte[] Key(string tenant, string key) => KeyEncoding.Encode(tenant, System.Text.Encoding.UTF8.GetBytes(key));

    /// <summary>Writes a value and returns what the key adds to its tenant's figure.</summary>
    private async Task<ulong> WriteAsync(string tenant, string key, int valueBytes)
    {
        var encoded = Key(tenant, key);
        var stored = await _store.ApplyAsync(KeyMutation.Write(encoded, VersionVector.Empty, new byte[valueBytes]), CancellationToken.None);
        return (ulong)encoded.Length + (ulong)stored.Bytes.Length;
    }
}
