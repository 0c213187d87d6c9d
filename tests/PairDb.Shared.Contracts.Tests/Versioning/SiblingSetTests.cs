using PairDb.Contracts.Versioning;

namespace PairDb.Shared.Contracts.Tests.Versioning;

public class SiblingSetTests
{
    private static byte[] V(string text) => System.Text.Encoding.ASCII.GetBytes(text);

    private static string[] Values(SiblingSet set) =>
        set.Siblings.Select(s => s.IsTombstone ? "<deleted>" : System.Text.Encoding.ASCII.GetString(s.Value.Span)).ToArray();

    [Test]
    public void Update_EmptySet_MintsCounterOneOnTheCoordinator()
    {
        var set = SiblingSet.Empty.Update(VersionVector.Empty, "a", V("x"));

        Assert.That(set.Siblings.Single().Dot, Is.EqualTo(new Dot("a", 1)));
        Assert.That(set.Context, Is.EqualTo(VersionVector.From([new Dot("a", 1)])));
    }

    [Test]
    public void Update_WithTheReadContext_ReplacesTheValue()
    {
        var first = SiblingSet.Empty.Update(VersionVector.Empty, "a", V("x"));

        var second = first.Update(first.Context, "a", V("y"));

        Assert.That(Values(second), Is.EqualTo(new[] { "y" }));
        Assert.That(second.Siblings.Single().Dot, Is.EqualTo(new Dot("a", 2)));
    }

    [Test]
    public void Update_BlindWriteOverAValue_KeepsBothAsSiblings()
    {
        var first = SiblingSet.Empty.Update(VersionVector.Empty, "a", V("x"));

        var second = first.Update(VersionVector.Empty, "a", V("y"));

        Assert.That(Values(second), Is.EqualTo(new[] { "x", "y" }));
    }

    [Test]
    public void Update_ConcurrentWritesOnTwoReplicasThenResolve_EndsWithOneValue()
    {
        var a = SiblingSet.Empty.Update(VersionVector.Empty, "a", V("x"));
        var b = SiblingSet.Merge(SiblingSet.Empty, a);
        var context = a.Context;
        a = a.Update(context, "a", V("from-a"));
        b = b.Update(context, "b", V("from-b"));

        var merged = SiblingSet.Merge(a, b);
        var resolved = merged.Update(merged.Context, "b", V("resolved"));

        Assert.That(Values(merged), Is.EqualTo(new[] { "from-a", "from-b" }));
        Assert.That(Values(SiblingSet.Merge(a, resolved)), Is.EqualTo(new[] { "resolved" }));
    }

    [Test]
    public void Delete_WithTheReadContext_LeavesOnlyATombstone()
    {
        var set = SiblingSet.Empty.Update(VersionVector.Empty, "a", V("x"));

        var deleted = set.Delete(set.Context, "a");

        Assert.That(Values(deleted), Is.EqualTo(new[] { "<deleted>" }));
        Assert.That(deleted.HasLiveSibling(0), Is.False);
    }

    [Test]
    public void NextDot_ClientContextAheadOfTheReplica_MintsPastTheClientCounter()
    {
        var lagging = SiblingSet.Empty.Update(VersionVector.Empty, "a", V("x"));
        var client = VersionVector.From([new Dot("a", 7)]);

        var written = lagging.Update(client, "a", V("y"));

        Assert.That(written.Siblings.Single().Dot, Is.EqualTo(new Dot("a", 8)));
    }

    [Test]
    public void HasLiveSibling_ExpiredValue_IsFalseOnlyAfterExpiry()
    {
        var set = SiblingSet.Empty.Update(VersionVector.Empty, "a", V("x"), expiresAtUnixMs: 1_000);

        Assert.That((set.HasLiveSibling(999), set.HasLiveSibling(1_000)), Is.EqualTo((true, false)));
    }

    [Test]
    public void Create_DuplicateDots_Throws()
    {
        var dot = new Dot("a", 1);

        Assert.That(() => SiblingSet.Create(VersionVector.Empty, [Sibling.Live(dot, V("x")), Sibling.Tombstone(dot)]),
            Throws.ArgumentException);
    }

    [Test]
    public void Create_ContextNotCoveringSiblings_IsWidenedToCoverThem()
    {
        var set = SiblingSet.Create(VersionVector.Empty, [Sibling.Live(new Dot("b", 3), V("x"))]);

        Assert.That(set.Context.Get("b"), Is.EqualTo(3UL));
    }
}
