using CsCheck;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Versioning;

namespace PairDb.Shared.Contracts.Tests.Versioning;

/// <summary>
/// The context check a coordinating replica runs (<see cref="ContextCheck"/>) over real histories: it
/// accepts every context the cluster can have issued, refuses every one that claims more than it can,
/// and whatever bytes a client sends, the parse, check and write either succeed or fail with
/// INVALID_VECTOR_CLOCK, nothing else.
/// </summary>
public class ContextCheckPropertyTests
{
    private const long Iterations = 400;
    private const ulong Lead = 1_000;

    /// <summary>Counters a hostile client would try, around every edge, plus ordinary ones.</summary>
    private static readonly Gen<ulong> Counters = Gen.Frequency(
        (3, Gen.ULong[1, 40]),
        (1, Gen.OneOf(Lead - 1, Lead, Lead + 1, Lead + 40, Dot.MaxCounter - 1, Dot.MaxCounter, Dot.MaxCounter + 1,
            ulong.MaxValue - 1, ulong.MaxValue)),
        (1, Gen.ULong));

    private static readonly Gen<string> Actors = Gen.OneOf([.. Histories.Nodes, "n3", "old@1"]);

    /// <summary>A context as a hostile client may build it: any actors, any counters (the format is bypassed).</summary>
    private static readonly Gen<VersionVector> AnyContexts =
        Gen.Select(Actors, Counters).Array[0, 5].Select(entries => VersionVector.From(entries.Select(e => new Dot(e.Item1, e.Item2))));

    /// <summary>A state of some history, one of its replicas' actors, and a context.</summary>
    private static readonly Gen<(SiblingSet Stored, string Actor, VersionVector Context)> Attempts =
        Gen.Select(Histories.States, Gen.Int[0, 2], AnyContexts)
            .SelectMany(t => Gen.Int[0, t.Item1.Length - 1].Select(i => (t.Item1[i], Histories.Nodes[t.Item2], t.Item3)));

    [Test]
    public void ThrowIfNotIssued_EveryContextTheClusterIssued_IsAccepted()
    {
        Histories.Operations.Sample(ops =>
        {
            // No replica lags another by more writes than the history has.
            var lead = (ulong)ops.Length;
            var checkedWrites = 0;
            Histories.Run(ops, (context, stored, actor) =>
            {
                ContextCheck.ThrowIfNotIssued(context, stored.Context, actor, lead);
                checkedWrites++;
            });
            Assert.That(checkedWrites, Is.LessThanOrEqualTo(ops.Length));
        }, iter: Iterations);
    }

    [Test]
    public void ThrowIfNotIssued_OwnActorAheadOfTheStoredSet_RejectedNamingActorAndCounters()
    {
        Gen.Select(Attempts, Gen.ULong[1, Dot.MaxCounter]).Sample(t =>
        {
            var (stored, actor, _) = t.Item1;
            var held = stored.Context.Get(actor);
            var claimed = held + t.Item2;
            // Every other actor as the replica holds it: only the own actor is ahead.
            var context = stored.Context.With(actor, claimed);

            var error = Assert.Throws<PairDbException>(() => ContextCheck.ThrowIfNotIssued(context, stored.Context, actor, Lead));

            Assert.That(error!.Code, Is.EqualTo(ErrorCode.InvalidVectorClock));
            Assert.That(error.Message, Does.Contain(actor).And.Contain($"counter {claimed} ").And.Contain($"only {held} "));
        }, iter: Iterations);
    }

    [Test]
    public void ThrowIfNotIssued_OtherActorBeyondTheLead_RejectedWithinTheLead_Accepted()
    {
        Gen.Select(Histories.States, Gen.Int[0, 2], Gen.Int[0, 2], Gen.ULong[0, 2 * Lead]).Sample(t =>
        {
            var stored = t.Item1[^1];
            var actor = Histories.Nodes[t.Item2];
            var other = Histories.Nodes[(t.Item2 + 1 + (t.Item3 % 2)) % 3];
            var claimed = stored.Context.Get(other) + t.Item4;
            var context = VersionVector.From([new Dot(other, Math.Max(claimed, 1))]);

            if (t.Item4 <= Lead)
            {
                Assert.DoesNotThrow(() => ContextCheck.ThrowIfNotIssued(context, stored.Context, actor, Lead));
            }
            else
            {
                var error = Assert.Throws<PairDbException>(() => ContextCheck.ThrowIfNotIssued(context, stored.Context, actor, Lead));
                Assert.That(error!.Code, Is.EqualTo(ErrorCode.InvalidVectorClock));
                Assert.That(error.Message, Does.Contain(other).And.Contain(claimed.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }, iter: Iterations);
    }

    [Test]
    public void ParseCheckWrite_AnyContextBytes_SucceedOrInvalidVectorClockOnly()
    {
        Gen.Select(Attempts, Gen.Bool).Sample(t =>
        {
            var (stored, actor, context) = t.Item1;
            var bytes = VersionVectorFormat.ToArray(context);
            var overBound = context.Entries.ToArray().Any(e => e.Counter > Dot.MaxCounter);
            var aheadOfOwn = context.Get(actor) > stored.Context.Get(actor);
            try
            {
                var parsed = VersionVectorFormat.Parse(bytes);
                ContextCheck.ThrowIfNotIssued(parsed, stored.Context, actor, Lead);
                var written = t.Item2 ? stored.Update(parsed, actor, new byte[] { 1 }) : stored.Delete(parsed, actor);

                Assert.That(overBound || aheadOfOwn, Is.False, "a context over the bound or ahead of the replica's own actor was accepted");
                Assert.That(SiblingSetFormat.Parse(SiblingSetFormat.ToArray(written)), Is.EqualTo(written), "what was written reads back");
            }
            catch (PairDbException e)
            {
                Assert.That(e.Code, Is.EqualTo(ErrorCode.InvalidVectorClock), e.Message);
            }
        }, iter: Iterations);
    }
}
