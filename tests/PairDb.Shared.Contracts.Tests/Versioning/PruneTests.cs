using PairDb.Contracts.Versioning;

namespace PairDb.Shared.Contracts.Tests.Versioning;

public class PruneTests
{
    private static SiblingSet WithContext(params (string Node, ulong Counter)[] entries)
    {
        var context = VersionVector.From(entries.Select(e => new Dot(e.Node, e.Counter)));
        return SiblingSet.Create(context, [Sibling.Live(new Dot("s", 1), new byte[] { 1 })]);
    }

    [Test]
    public void Prune_UnderTheLimit_ReturnsTheSameSet()
    {
        var set = WithContext(("a", 1), ("b", 2));

        Assert.That(set.Prune(5), Is.SameAs(set));
    }

    [Test]
    public void Prune_OverTheLimit_DropsSmallestCountersFirst()
    {
        var set = WithContext(("a", 5), ("b", 1), ("c", 9), ("d", 2));

        var pruned = set.Prune(3);

        Assert.That(pruned.Context.Entries.ToArray().Select(e => e.ToString()), Is.EqualTo(new[] { "a:5", "c:9", "s:1" }));
        Assert.That(pruned.Siblings, Is.EqualTo(set.Siblings));
    }

    [Test]
    public void Prune_NeverDropsSiblingNodesOrTheProtectedNode()
    {
        var set = WithContext(("a", 1), ("b", 9));

        var pruned = set.Prune(1, protectedNodeId: "a");

        Assert.That(pruned.Context.Entries.ToArray().Select(e => e.ToString()), Is.EqualTo(new[] { "a:1", "s:1" }));
    }

    [Test]
    public void Prune_DroppedEntry_StaleSiblingReappearsAsConcurrentNotLost()
    {
        // b wrote "old"; the set replaced it and later forgot b's entry. A stale replica still holding
        // "old" brings it back as a sibling: false concurrency, never a lost write.
        var old = SiblingSet.Empty.Update(VersionVector.Empty, "b", new byte[] { 1 });
        var replaced = SiblingSet.Merge(SiblingSet.Empty, old).Update(old.Context, "a", new byte[] { 2 });
        var padded = replaced.Update(VersionVector.From([new Dot("c", 50), new Dot("a", 1)]), "a", new byte[] { 3 });
        var pruned = padded.Prune(2, protectedNodeId: "a");

        var merged = SiblingSet.Merge(pruned, old);

        Assert.That(pruned.Context.Get("b"), Is.EqualTo(0UL));
        Assert.That(merged.Siblings.Select(s => s.Value.ToArray()), Has.Some.EqualTo(new byte[] { 1 }).And.Some.EqualTo(new byte[] { 3 }));
    }
}
