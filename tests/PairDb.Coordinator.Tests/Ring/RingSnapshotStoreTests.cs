using Microsoft.Extensions.Logging.Abstractions;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Ring.Snapshots;
using PairDb.Testing;

namespace PairDb.Coordinator.Tests.Ring;

/// <summary>The ring snapshot file: what is written is read back whole, damage is refused, versions never go back.</summary>
public sealed class RingSnapshotStoreTests
{
    private TestDirectory _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = TestDirectory.Create("ring-snapshot");

    [TearDown]
    public void DeleteDirectory() => _directory.Dispose();

    [Test]
    public void Save_ThenLoad_ReturnsTheRowsAndVersion()
    {
        var store = NewStore();
        store.Save(7, [Row("node-a", "inc-1"), Row("node-b", null)]);

        var loaded = NewStore().Load();

        Assert.That(loaded, Is.Not.Null);
        Assert.That(loaded!.Version, Is.EqualTo(7));
        Assert.That(loaded.Nodes.Select(n => n.NodeId), Is.EqualTo(new[] { "node-a", "node-b" }));
        Assert.That(loaded.Nodes[0].Tokens, Is.EqualTo(new long[] { 1, -5, long.MaxValue }));
        Assert.That(loaded.Nodes[0].Incarnation, Is.EqualTo("inc-1"), "identities travel with the ring, for the prober");
        Assert.That(loaded.Nodes[0].RetiredIncarnations, Is.EqualTo(new[] { "inc-0" }));
        Assert.That(loaded.Nodes[0].State, Is.EqualTo(NodeStates.Bootstrapping), "pending ranges are computed from states");
        Assert.That(Directory.GetFiles(store.Directory), Is.EqualTo(new[] { store.FilePath }), "no temporary file left behind");
    }

    [Test]
    public void Load_NoSnapshot_ReturnsNull() => Assert.That(NewStore().Load(), Is.Null);

    [TestCase(0)]
    [TestCase(-1)]
    public void Load_DamagedOrTruncatedFile_IsRefused(int where)
    {
        var store = NewStore();
        store.Save(3, [Row("node-a", null)]);
        var bytes = File.ReadAllBytes(store.FilePath);
        if (where == 0)
        {
            // One flipped bit inside the JSON: still parses, the checksum says no.
            var at = Array.LastIndexOf(bytes, (byte)'a');
            bytes[at] ^= 0x02;
        }
        else
        {
            bytes = bytes[..^10];
        }
        File.WriteAllBytes(store.FilePath, bytes);

        Assert.That(() => NewStore().Load(), Throws.InstanceOf<RingSnapshotCorruptException>().With.Message.Contains("refusing to serve"));
    }

    [Test]
    public void Save_OlderVersionThanOnDisk_KeepsTheNewer()
    {
        NewStore().Save(10, [Row("node-new", null)]);

        // A second process on the same directory, or a writer that lost a race: must not roll the ring back.
        NewStore().Save(9, [Row("node-old", null)]);

        var loaded = NewStore().Load()!;
        Assert.That(loaded.Version, Is.EqualTo(10));
        Assert.That(loaded.Nodes.Single().NodeId, Is.EqualTo("node-new"));
    }

    [Test]
    public void Save_SameVersionChangedRows_Rewrites()
    {
        // Same placement (same ring version), a new incarnation: the snapshot follows, for identity checks after a restart.
        var store = NewStore();
        store.Save(4, [Row("node-a", "inc-1")]);
        store.Save(4, [Row("node-a", "inc-2")]);

        Assert.That(NewStore().Load()!.Nodes.Single().Incarnation, Is.EqualTo("inc-2"));
    }

    private RingSnapshotStore NewStore() => new(
        Microsoft.Extensions.Options.Options.Create(new CoordinatorHostOptions { StateDirectory = _directory.Path }),
        TimeProvider.System, NullLogger<RingSnapshotStore>.Instance);

    private static StorageNodeRecord Row(string nodeId, string? incarnation) => new()
    {
        NodeId = nodeId,
        Host = "127.0.0.1",
        GrpcPort = 9000,
        HttpPort = 9001,
        VirtualNodes = 3,
        Tokens = [1, -5, long.MaxValue],
        State = NodeStates.Bootstrapping,
        Status = NodeStatuses.Up,
        Incarnation = incarnation,
        RetiredIncarnations = incarnation is null ? [] : ["inc-0"],
    };
}
