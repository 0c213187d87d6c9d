using Microsoft.Extensions.Time.Testing;
using PairDb.Contracts.Keys;
using PairDb.Contracts.Versioning;
using PairDb.Engine;
using Microsoft.Extensions.Logging.Abstractions;
using PairDb.Engine.IO;
using PairDb.StorageNode.Data;
using PairDb.StorageNode.Identity;
using PairDb.Testing;

namespace PairDb.StorageNode.Tests.Unit;

public sealed class VersionedStoreTests
{
    private TestDirectory _directory = null!;
    private LsmEngine _engine = null!;
    private FakeTimeProvider _time = null!;
    private VersionedStore _store = null!;
    private NodeIdentity _identity = null!;

    private string Actor => _identity.Current.Actor;

    [SetUp]
    public void SetUp()
    {
        _directory = TestDirectory.Create();
        _time = new FakeTimeProvider(DateTimeOffset.Parse("2025-01-09T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _engine = LsmEngine.Open(new LsmEngineOptions { DataDirectory = _directory.Path, Durability = DurabilityMode.Sync });
        _identity = NodeIdentity.Open(_directory.Path, "n1", PhysicalFileSystem.Instance, _time, NullLogger.Instance);
        _store = new VersionedStore(_engine, new KeyLocks(64), _identity, 3, _time);
    }

    [TearDown]
    public void TearDown()
    {
        _engine.Dispose();
        _identity.Dispose();
        _directory.Dispose();
    }

    private static byte[] Key(string key) => KeyEncoding.Encode("t1", System.Text.Encoding.UTF8.GetBytes(key));

    [Test]
    public async Task ApplyAsync_ConcurrentWritesSameContext_NoWriteLost()
    {
        var writers = new Task[64];
        for (var i = 0; i < writers.Length; i++)
        {
            var value = BitConverter.GetBytes(i);
            writers[i] = Task.Run(() => _store.ApplyAsync(KeyMutation.Write(Key("hot"), VersionVector.Empty, value), CancellationToken.None));
        }

        await Task.WhenAll(writers);
        var stored = _store.Read(Key("hot"))!.Value.Set;

        Assert.Multiple(() =>
        {
            Assert.That(stored.Siblings, Has.Count.EqualTo(64));
            Assert.That(stored.Context.Get(Actor), Is.EqualTo(64UL), "every write minted its own dot");
        });
    }

    [Test]
    public async Task ApplyAsync_BatchWithRepeatedKey_LaterSeesEarlierAndOneWrite()
    {
        var first = KeyMutation.Write(Key("a"), VersionVector.Empty, "1"u8.ToArray());
        var results = await _store.ApplyAsync([first, KeyMutation.Write(Key("b"), VersionVector.Empty, "2"u8.ToArray()), KeyMutation.Write(Key("a"), VersionVector.Empty, "3"u8.ToArray())], CancellationToken.None);

        var a = _store.Read(Key("a"))!.Value;

        Assert.Multiple(() =>
        {
            Assert.That(results[2].Stored.Set.Siblings, Has.Count.EqualTo(2));
            Assert.That(a.Bytes, Is.EqualTo(results[2].Stored.Bytes));
            Assert.That(_store.Read(Key("b")), Is.Not.Null);
        });
    }

    [Test]
    public async Task Read_AfterExpiry_DropsSiblingKeepsContext()
    {
        var expiresAt = _time.GetUtcNow().AddSeconds(1).ToUnixTimeMilliseconds();
        await _store.ApplyAsync(KeyMutation.Write(Key("ttl"), VersionVector.Empty, "v"u8.ToArray(), expiresAt), CancellationToken.None);

        var before = _store.Read(Key("ttl"), _time.GetUtcNow().ToUnixTimeMilliseconds())!.Value.Set;
        _time.Advance(TimeSpan.FromSeconds(2));
        var after = _store.Read(Key("ttl"), _time.GetUtcNow().ToUnixTimeMilliseconds())!.Value.Set;

        Assert.Multiple(() =>
        {
            Assert.That(before.Siblings, Has.Count.EqualTo(1));
            Assert.That(after.Siblings, Is.Empty);
            Assert.That(after.Context.Get(Actor), Is.EqualTo(1UL));
        });
    }

    [Test]
    public async Task ApplyAsync_MergeWithManyNodes_PrunesContextButKeepsOwnEntry()
    {
        await _store.ApplyAsync(KeyMutation.Write(Key("p"), VersionVector.Empty, "mine"u8.ToArray()), CancellationToken.None);
        var mine = _store.Read(Key("p"))!.Value.Set;
        var others = VersionVector.From([new Dot("a", 5), new Dot("b", 6), new Dot("c", 7), new Dot(Actor, 1)]);

        var merged = (await _store.ApplyAsync(KeyMutation.Write(Key("p"), others, "next"u8.ToArray()), CancellationToken.None)).Set;

        Assert.Multiple(() =>
        {
            Assert.That(mine.Siblings, Has.Count.EqualTo(1));
            Assert.That(merged.Context.Count, Is.LessThanOrEqualTo(3));
            Assert.That(merged.Context.Get(Actor), Is.EqualTo(2UL), "the node's own entry is never pruned");
        });
    }

    [TestCase(10UL, 10UL, 5UL, true)]
    [TestCase(10UL, 20UL, 10UL, false)]
    [TestCase(10UL, 20UL, 20UL, true)]
    [TestCase(20UL, 10UL, 5UL, true)]
    [TestCase(20UL, 10UL, 15UL, false)]
    [TestCase(20UL, 10UL, 25UL, true)]
    public void InRange_Tokens_HalfOpenWrappingRange(ulong start, ulong end, ulong token, bool expected) =>
        Assert.That(VersionedStore.InRange(token, start, end), Is.EqualTo(expected));
}
