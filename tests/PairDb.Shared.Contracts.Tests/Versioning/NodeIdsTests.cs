using PairDb.Contracts.Versioning;

namespace PairDb.Shared.Contracts.Tests.Versioning;

public sealed class NodeIdsTests
{
    [Test]
    public void Actor_NodeAndIncarnation_JoinedBySeparatorAndSplitBack()
    {
        var actor = NodeIds.Actor("storage-node-1", "0abc123xyz000");

        Assert.Multiple(() =>
        {
            Assert.That(actor, Is.EqualTo("storage-node-1@0abc123xyz000"));
            Assert.That(NodeIds.IsValid(actor), Is.True, "an actor is a valid dot id");
            Assert.That(NodeIds.NodeOf(actor), Is.EqualTo("storage-node-1"));
            Assert.That(NodeIds.NodeOf("storage-node-1"), Is.EqualTo("storage-node-1"), "a dot minted before incarnations");
        });
    }

    [Test]
    public void Actor_LongestNodeIdAndIncarnation_FitsTheDotLimit()
    {
        var actor = NodeIds.Actor(new string('n', NodeIds.MaxNodeIdLength), new string('z', NodeIds.MaxIncarnationLength));

        Assert.That(actor, Has.Length.EqualTo(NodeIds.MaxLength));
    }

    [TestCase("node@1")]
    [TestCase("")]
    [TestCase("has space")]
    public void IsValidNodeId_SeparatorEmptyOrSpace_Rejected(string nodeId) =>
        Assert.That(NodeIds.IsValidNodeId(nodeId), Is.False);

    [Test]
    public void IsValidNodeId_TooLongForAnActor_Rejected() =>
        Assert.That(NodeIds.IsValidNodeId(new string('n', NodeIds.MaxNodeIdLength + 1)), Is.False);

    [Test]
    public void Actor_InvalidIncarnation_Throws() =>
        Assert.Throws<ArgumentException>(() => NodeIds.Actor("node-1", "a@b"));

    [Test]
    public void Update_ActorsOfTwoIncarnations_AreDistinctDotsOfOneKey()
    {
        var old = NodeIds.Actor("node-1", "aaaaaaaaaaaaa");
        var renewed = NodeIds.Actor("node-1", "bbbbbbbbbbbbb");
        var first = SiblingSet.Empty.Update(VersionVector.Empty, old, "a"u8.ToArray());

        // The rebuilt node holds nothing and mints under its new incarnation: counter 1 again, another dot.
        var second = SiblingSet.Empty.Update(VersionVector.Empty, renewed, "b"u8.ToArray());
        var merged = SiblingSet.Merge(first, second);

        Assert.That(merged.Siblings.Select(s => s.Dot), Is.EqualTo(new[] { new Dot(old, 1), new Dot(renewed, 1) }));
    }
}
