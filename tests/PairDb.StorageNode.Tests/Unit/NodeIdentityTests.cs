using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PairDb.Engine.IO;
using PairDb.StorageNode.Identity;
using PairDb.Testing;

namespace PairDb.StorageNode.Tests.Unit;

public sealed class NodeIdentityTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-04T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private TestDirectory _directory = null!;
    private FakeTimeProvider _time = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = TestDirectory.Create();
        _time = new FakeTimeProvider(Start);
    }

    [TearDown]
    public void TearDown() => _directory.Dispose();

    private NodeIdentity Open(string nodeId = "node-1") =>
        NodeIdentity.Open(_directory.Path, nodeId, PhysicalFileSystem.Instance, _time, NullLogger.Instance);

    [Test]
    public void Open_EmptyDirectory_TakesIncarnationAndRecordsIt()
    {
        using var identity = Open();

        var document = IdentityFile.Parse(File.ReadAllBytes(Path.Combine(_directory.Path, IdentityFile.FileName)));
        Assert.Multiple(() =>
        {
            Assert.That(identity.Current.Id, Has.Length.EqualTo(13));
            Assert.That(identity.Current.Actor, Is.EqualTo("node-1@" + identity.Current.Id));
            Assert.That(identity.Current.Reason, Does.Contain("no IDENTITY file"));
            Assert.That(identity.Previous, Is.Empty);
            Assert.That(document.NodeId, Is.EqualTo("node-1"));
            Assert.That(document.Incarnation.Id, Is.EqualTo(identity.Current.Id), "durable before Open returns");
        });
    }

    [Test]
    public void Open_EveryStart_NewIncarnationWithTheEarlierOnesListed()
    {
        var seen = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var identity = Open();
            seen.Add(identity.Current.Id);
            Assert.That(identity.Previous.Select(p => p.Id), Is.EqualTo(Enumerable.Reverse(seen).Skip(1)), "earlier incarnations, newest first");
        }

        Assert.That(seen.Distinct().Count(), Is.EqualTo(4), "no start reuses an incarnation");
    }

    [Test]
    public void Renew_WhileRunning_NewActorDurableAndOldOneListed()
    {
        using var identity = Open();
        var first = identity.Current;

        var renewed = identity.Renew("clear-all");

        var document = IdentityFile.Parse(File.ReadAllBytes(Path.Combine(_directory.Path, IdentityFile.FileName)));
        Assert.Multiple(() =>
        {
            Assert.That(renewed.Actor, Is.Not.EqualTo(first.Actor));
            Assert.That(identity.Current, Is.SameAs(renewed));
            Assert.That(renewed.Reason, Is.EqualTo("clear-all"));
            Assert.That(identity.Previous[0].Id, Is.EqualTo(first.Id));
            Assert.That(document.Incarnation.Id, Is.EqualTo(renewed.Id));
        });
    }

    [Test]
    public void Open_DirectoryOfAnotherNode_RefusesNamingBoth()
    {
        Open("node-2").Dispose();

        var e = Assert.Throws<NodeIdentityException>(() => Open("node-1"));

        Assert.That(e!.Message, Does.Contain("belongs to node 'node-2'").And.Contain("configured as 'node-1'"));
    }

    [Test]
    public void Open_DirectoryHeldByAnotherOpen_RefusesUntilReleased()
    {
        var first = Open();

        var e = Assert.Throws<NodeIdentityException>(() => Open());
        first.Dispose();
        using var second = Open();

        Assert.Multiple(() =>
        {
            Assert.That(e!.Message, Does.Contain("in use by another process"));
            Assert.That(second.Previous[0].Id, Is.EqualTo(first.Current.Id));
        });
    }

    [TestCase("")]
    [TestCase("pairdb-identity v1 crc32=00000000\n{}")]
    [TestCase("pairdb-identity v9 crc32=00000000\n{}")]
    [TestCase("garbage")]
    public void Open_UnreadableIdentity_TakesNewIncarnation(string content)
    {
        File.WriteAllText(Path.Combine(_directory.Path, IdentityFile.FileName), content);

        using var identity = Open();

        Assert.That(identity.Current.Reason, Does.Contain("IDENTITY unreadable"));
    }

    [Test]
    public void Serialize_Golden_BytesFrozen()
    {
        var document = new IdentityDocument(
            "node-1",
            new IncarnationEntry("0000000000001", Start, "start"),
            [new IncarnationEntry("000000000000z", Start.AddHours(-1), "clear-all")]);

        var text = Encoding.UTF8.GetString(IdentityFile.Serialize(document));

        Assert.Multiple(() =>
        {
            Assert.That(text, Is.EqualTo(
                "pairdb-identity v1 crc32=" + System.IO.Hashing.Crc32.HashToUInt32(Encoding.UTF8.GetBytes(text[(text.IndexOf('\n') + 1)..])).ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + "\n" +
                "{\"node_id\":\"node-1\",\"incarnation\":{\"id\":\"0000000000001\",\"since\":\"2026-12-04T12:00:00+00:00\",\"reason\":\"start\"}," +
                "\"previous\":[{\"id\":\"000000000000z\",\"since\":\"2026-12-04T11:00:00+00:00\",\"reason\":\"clear-all\"}]}"));
            Assert.That(IdentityFile.Parse(Encoding.UTF8.GetBytes(text)), Is.EqualTo(document).Using<IdentityDocument>((a, b) =>
                a.NodeId == b.NodeId && a.Incarnation == b.Incarnation && a.Previous.SequenceEqual(b.Previous)));
        });
    }

    [Test]
    public void Encode_KnownValues_Base32Digits()
    {
        Assert.Multiple(() =>
        {
            Assert.That(IncarnationIds.Encode(0), Is.EqualTo("0000000000000"));
            Assert.That(IncarnationIds.Encode(31), Is.EqualTo("000000000000z"));
            Assert.That(IncarnationIds.Encode(ulong.MaxValue), Is.EqualTo("fzzzzzzzzzzzz"));
        });
    }
}
