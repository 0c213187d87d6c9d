using CsCheck;
using PairDb.Contracts.Versioning;

namespace PairDb.Shared.Contracts.Tests.Versioning;

public class SiblingSetPropertyTests
{
    private const long Iterations = 400;

    [Test]
    public void Merge_AnyTwoStates_IsCommutative()
    {
        Histories.Triples.Sample(t =>
            Assert.That(SiblingSet.Merge(t.A, t.B), Is.EqualTo(SiblingSet.Merge(t.B, t.A))), iter: Iterations);
    }

    [Test]
    public void Merge_AnyThreeStates_IsAssociative()
    {
        Histories.Triples.Sample(t =>
            Assert.That(
                SiblingSet.Merge(SiblingSet.Merge(t.A, t.B), t.C),
                Is.EqualTo(SiblingSet.Merge(t.A, SiblingSet.Merge(t.B, t.C)))), iter: Iterations);
    }

    [Test]
    public void Merge_StateWithItselfOrAgain_IsIdempotent()
    {
        Histories.Triples.Sample(t =>
        {
            var merged = SiblingSet.Merge(t.A, t.B);
            Assert.That(SiblingSet.Merge(t.A, t.A), Is.EqualTo(t.A));
            Assert.That(SiblingSet.Merge(merged, t.B), Is.EqualTo(merged));
        }, iter: Iterations);
    }

    [Test]
    public void Merge_Result_CoversBothContextsAndKeepsOnlyTheirSiblings()
    {
        Histories.Triples.Sample(t =>
        {
            var merged = SiblingSet.Merge(t.A, t.B);
            Assert.That(merged.Context.Descends(t.A.Context) && merged.Context.Descends(t.B.Context), Is.True);
            Assert.That(merged.Siblings.All(s => t.A.Siblings.Contains(s) || t.B.Siblings.Contains(s)), Is.True);
        }, iter: Iterations);
    }

    [Test]
    public void Update_WithAnyContext_ReplacesExactlyTheCoveredSiblings()
    {
        Histories.Triples.Sample(t =>
        {
            var client = t.B.Context;
            // A node outside the history, so its new dot cannot collide with one minted there.
            var written = t.A.Update(client, "w1", new byte[] { 42 });

            var expectedKept = t.A.Siblings.Where(s => !client.Covers(s.Dot)).ToArray();
            var newSibling = written.Siblings.Single(s => !t.A.Siblings.Contains(s));
            Assert.That(written.Siblings.Where(s => s != newSibling), Is.EqualTo(expectedKept));
            Assert.That(newSibling.Value.ToArray(), Is.EqualTo(new byte[] { 42 }));
            Assert.That(t.A.Context.Covers(newSibling.Dot) || client.Covers(newSibling.Dot), Is.False);
            Assert.That(written.Context.Descends(t.A.Context) && written.Context.Descends(client), Is.True);
        }, iter: Iterations);
    }

    [Test]
    public void Update_TwoWritesFromTheSameContextOnTwoReplicas_BecomeSiblings()
    {
        Histories.Triples.Sample(t =>
        {
            var context = t.A.Context;
            var first = t.B.Update(context, "w1", new byte[] { 1 });
            var second = t.C.Update(context, "w2", new byte[] { 2 });

            var merged = SiblingSet.Merge(first, second);
            var values = merged.Siblings.Select(s => s.Value.ToArray()).ToList();
            Assert.That(values, Has.Some.EqualTo(new byte[] { 1 }).And.Some.EqualTo(new byte[] { 2 }));
        }, iter: Iterations);
    }

    [Test]
    public void Update_WithTheMergedContext_ResolvesToOneSibling()
    {
        Histories.Triples.Sample(t =>
        {
            var merged = SiblingSet.Merge(t.A, t.B);
            var resolved = merged.Update(merged.Context, "w1", new byte[] { 7 });

            Assert.That(resolved.Siblings, Has.Count.EqualTo(1));
            Assert.That(SiblingSet.Merge(resolved, t.A), Is.EqualTo(resolved));
        }, iter: Iterations);
    }

    [Test]
    public void Format_AnyState_RoundTripsByteForByte()
    {
        Histories.States.Sample(states =>
        {
            foreach (var state in states)
            {
                var bytes = SiblingSetFormat.ToArray(state);
                var parsed = SiblingSetFormat.Parse(bytes);
                Assert.That(parsed, Is.EqualTo(state));
                Assert.That(SiblingSetFormat.ToArray(parsed), Is.EqualTo(bytes));
                Assert.That(VersionVectorFormat.Parse(VersionVectorFormat.ToArray(state.Context)), Is.EqualTo(state.Context));
            }
        }, iter: 200);
    }
}
