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

/// <summary>
/// Issue 16: a node whose clock runs fast must not expire acknowledged TTL'd siblings, because a set that drops a
/// sibling keeps its dot in the context and so deletes that sibling on every replica it is merged into.
/// This node's clock runs 3 hours ahead of the cluster time the requests carry.
/// </summary>
public sealed class VersionedStoreExpiryTests
{
    private static readonly DateTimeOffset ClusterNow = DateTimeOffset.Parse("2025-01-09T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly long ClusterNowMs = ClusterNow.ToUnixTimeMilliseconds();
    private static readonly long InOneHourMs = ClusterNow.AddHours(1).ToUnixTimeMilliseconds();
    private TestDirectory _directory = null!;
    private LsmEngine _engine = null!;
    private FakeTimeProvider _nodeClock = null!;
    private VersionedStore _store = null!;
    private NodeIdentity _identity = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = TestDirectory.Create();
        _nodeClock = new FakeTimeProvider(ClusterNow.AddHours(3));
        _engine = LsmEngine.Open(new LsmEngineOptions { DataDirectory = _directory.Path, Durability = DurabilityMode.Sync });
        _identity = NodeIdentity.Open(_directory.Path, "n1", PhysicalFileSystem.Instance, _nodeClock, NullLogger.Instance);
        _store = new VersionedStore(_engine, new KeyLocks(64), _identity, 8, _nodeClock);
    }

    [TearDown]
    public void TearDown()
    {
        _engine.Dispose();
        _identity.Dispose();
        _directory.Dispose();
    }

    private static byte[] Key(string key) => KeyEncoding.Encode("t1", System.Text.Encoding.UTF8.GetBytes(key));

    /// <summary>A sibling minted on another replica, expiring in an hour of cluster time.</summary>
    private static SiblingSet OtherReplicasSet(string value) =>
        SiblingSet.Empty.Update(VersionVector.Empty, "n2@other", System.Text.Encoding.UTF8.GetBytes(value), InOneHourMs);

    private static List<string> Values(SiblingSet set) =>
        set.Siblings.Select(s => System.Text.Encoding.UTF8.GetString(s.Value.Span)).ToList();

    [Test]
    public async Task Read_FastNodeClockNormalRequestTime_KeepsTheSibling()
    {
        await _store.ApplyAsync(KeyMutation.Merge(Key("k"), OtherReplicasSet("v")).AtRequestTime(ClusterNowMs), CancellationToken.None);

        var read = _store.Read(Key("k"), ClusterNowMs)!.Value;

        Assert.That(Values(read.Set), Is.EqualTo(new[] { "v" }), "by the cluster time the sibling has 59 more minutes to live");
    }

    [Test]
    public async Task Read_RequestTimePastExpiry_DropsTheSiblingKeepsContext()
    {
        await _store.ApplyAsync(KeyMutation.Merge(Key("k"), OtherReplicasSet("v")).AtRequestTime(ClusterNowMs), CancellationToken.None);

        var read = _store.Read(Key("k"), ClusterNow.AddHours(2).ToUnixTimeMilliseconds())!.Value;

        Assert.Multiple(() =>
        {
            Assert.That(read.Set.Siblings, Is.Empty, "expired by both clocks");
            Assert.That(read.Set.Context.Get("n2@other"), Is.EqualTo(1UL));
        });
    }

    [Test]
    public async Task Read_NoRequestTime_KeepsAnExpiredSibling()
    {
        await _store.ApplyAsync(KeyMutation.Merge(Key("k"), OtherReplicasSet("v")), CancellationToken.None);

        var read = _store.Read(Key("k"))!.Value;

        Assert.That(Values(read.Set), Is.EqualTo(new[] { "v" }), "only this node's clock says it expired: the reader filters it");
    }

    [Test]
    public async Task ApplyAsync_CoordinatedWriteOnFastNode_KeepsConcurrentTtlSibling()
    {
        await _store.ApplyAsync(KeyMutation.Merge(Key("k"), OtherReplicasSet("theirs")).AtRequestTime(ClusterNowMs), CancellationToken.None);

        var stored = await _store.ApplyAsync(
            KeyMutation.Write(Key("k"), VersionVector.Empty, "mine"u8.ToArray(), InOneHourMs).AtRequestTime(ClusterNowMs), CancellationToken.None);

        Assert.That(Values(stored.Set), Is.EquivalentTo(new[] { "theirs", "mine" }));
    }

    [Test]
    public async Task ApplyAsync_MergeWithoutRequestTime_NeverDropsWithContextKept()
    {
        await _store.ApplyAsync(KeyMutation.Merge(Key("k"), OtherReplicasSet("first")), CancellationToken.None);
        var concurrent = SiblingSet.Empty.Update(VersionVector.Empty, "n3@third", "second"u8.ToArray(), InOneHourMs);

        var stored = await _store.ApplyAsync(KeyMutation.Merge(Key("k"), concurrent), CancellationToken.None);
        var batch = await _store.ApplyAsync([KeyMutation.Merge(Key("k"), concurrent), KeyMutation.Merge(Key("j"), concurrent)], CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(Values(stored.Set), Is.EquivalentTo(new[] { "first", "second" }), "streaming, recovery: no trusted time, nothing dropped");
            Assert.That(Values(batch[0].Stored.Set), Is.EquivalentTo(new[] { "first", "second" }));
        });
    }

    [Test]
    public async Task ApplyAsync_FastCoordinatorClock_JudgesAtTheNodeClock()
    {
        var node = new FakeTimeProvider(ClusterNow);
        using var directory = TestDirectory.Create();
        using var engine = LsmEngine.Open(new LsmEngineOptions { DataDirectory = directory.Path, Durability = DurabilityMode.Sync });
        using var identity = NodeIdentity.Open(directory.Path, "n1", PhysicalFileSystem.Instance, node, NullLogger.Instance);
        var store = new VersionedStore(engine, new KeyLocks(64), identity, 8, node);
        var fastCoordinatorMs = ClusterNow.AddHours(3).ToUnixTimeMilliseconds();

        var stored = await store.ApplyAsync(KeyMutation.Merge(Key("k"), OtherReplicasSet("v")).AtRequestTime(fastCoordinatorMs), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(Values(stored.Set), Is.EqualTo(new[] { "v" }));
            Assert.That(Values(store.Read(Key("k"), fastCoordinatorMs)!.Value.Set), Is.EqualTo(new[] { "v" }));
        });
    }

    [Test]
    public async Task ApplyAsync_LastWriterWinsOnFastNode_StampsAtRequestTime()
    {
        var stored = await _store.ApplyAsync(
            KeyMutation.LastWriterWinsWrite(Key("k"), VersionVector.Empty, "v"u8.ToArray()).AtRequestTime(ClusterNowMs), CancellationToken.None);

        Assert.That(stored.Set.Siblings.Single().WrittenAtUnixMs, Is.EqualTo(ClusterNowMs), "a fast node's writes must not win for three hours");
    }
}
