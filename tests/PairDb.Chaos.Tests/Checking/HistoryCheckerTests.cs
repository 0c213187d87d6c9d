using PairDb.Chaos.Checking;
using PairDb.Chaos.History;
using PairDb.Client;

namespace PairDb.Chaos.Tests.Checking;

/// <summary>Each rule of the checker on hand-made histories: one valid and one invalid case at least.</summary>
public sealed class HistoryCheckerTests
{
    private static Verdict Check(HistoryBuilder history, FinalState final) => new HistoryChecker().Check(history.Build(), final);

    private static IEnumerable<string> Kinds(Verdict verdict) => verdict.Anomalies.Select(anomaly => anomaly.Kind);

    [Test]
    public void Check_AcknowledgedPutInFinalState_IsValid()
    {
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 10);

        var verdict = Check(history, HistoryBuilder.Final(("k", ["a"])));

        Assert.That(verdict.Valid, Is.True, string.Join("; ", verdict.Anomalies));
        Assert.That(verdict.Summary.ByKindAndOutcome["put/ok"], Is.EqualTo(1));
    }

    [Test]
    public void Check_AcknowledgedPutMissingFromFinalState_IsLostWrite()
    {
        var history = new HistoryBuilder();
        var put = history.Put("k", "a", 0, 10);

        var verdict = Check(history, HistoryBuilder.Final(("k", [])));

        Assert.That(verdict.Valid, Is.False);
        Assert.That(verdict.Counts, Is.EqualTo(new Dictionary<string, int> { [AnomalyKinds.LostWrite] = 1 }));
        var anomaly = verdict.Anomalies.Single();
        Assert.That(anomaly.Key, Is.EqualTo("k"));
        Assert.That(anomaly.Values, Is.EqualTo(new[] { "a" }));
        Assert.That(anomaly.Operations, Is.EqualTo(new[] { put.Index }));
        Assert.That(anomaly.TimesMs, Is.EqualTo(new long[] { 0, 10 }));
        Assert.That(anomaly.Explanation, Does.Contain("put #0 k=a was acknowledged at 10 ms"));
    }

    [Test]
    public void Check_ValueReplacedByWriteWithItsContext_IsSuperseded()
    {
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 10);
        var read = history.Read("k", ["a"], 20, 30);
        history.Put("k", "b", 40, 50, from: read);

        var verdict = Check(history, HistoryBuilder.Final(("k", ["b"])));

        Assert.That(verdict.Valid, Is.True, string.Join("; ", verdict.Anomalies));
    }

    [Test]
    public void Check_UnknownWriteWithContext_MaySupersede()
    {
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 10);
        var read = history.Read("k", ["a"], 20, 30);
        history.Put("k", "b", 40, 50, OpOutcome.Unknown, from: read);

        var verdict = Check(history, HistoryBuilder.Final(("k", [])));

        Assert.That(verdict.Valid, Is.True, string.Join("; ", verdict.Anomalies));
    }

    [Test]
    public void Check_FailedWriteWithContext_SupersedesNothing()
    {
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 10);
        var read = history.Read("k", ["a"], 20, 30);
        history.Put("k", "b", 40, 50, OpOutcome.Fail, from: read);

        var verdict = Check(history, HistoryBuilder.Final(("k", [])));

        Assert.That(Kinds(verdict), Is.EqualTo(new[] { AnomalyKinds.LostWrite }));
        Assert.That(verdict.Anomalies.Single().Values, Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public void Check_UnknownPut_MayVanishOrStay()
    {
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 10, OpOutcome.Unknown);
        history.Put("j", "b", 0, 10, OpOutcome.Unknown);

        var verdict = Check(history, HistoryBuilder.Final(("k", []), ("j", ["b"])));

        Assert.That(verdict.Valid, Is.True, string.Join("; ", verdict.Anomalies));
    }

    [Test]
    public void Check_ConcurrentBlindPutsAllKept_IsValid()
    {
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 20);
        history.Put("k", "b", 5, 25);
        history.Put("k", "c", 30, 40);

        var verdict = Check(history, HistoryBuilder.Final(("k", ["a", "b", "c"])));

        Assert.That(verdict.Valid, Is.True, string.Join("; ", verdict.Anomalies));
    }

    [Test]
    public void Check_ConcurrentBlindPutOverwritten_IsLostWrite()
    {
        // Last-writer-wins would keep only the later blind put: that loses an acknowledged write.
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 20);
        history.Put("k", "b", 5, 25);

        var verdict = Check(history, HistoryBuilder.Final(("k", ["b"])));

        Assert.That(Kinds(verdict), Is.EqualTo(new[] { AnomalyKinds.LostWrite }));
        Assert.That(verdict.Anomalies.Single().Values, Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public void Check_ValueNoPutWrote_IsInventedInReadsAndFinalState()
    {
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 10);
        history.Read("k", ["a", "ghost"], 20, 30);

        var verdict = Check(history, HistoryBuilder.Final(("k", ["a", "phantom"])));

        Assert.That(Kinds(verdict), Is.EqualTo(new[] { AnomalyKinds.InventedValue, AnomalyKinds.InventedValue }));
        Assert.That(verdict.Anomalies.Select(anomaly => anomaly.Values.Single()), Is.EqualTo(new[] { "ghost", "phantom" }));
        Assert.That(verdict.Anomalies[0].Operations, Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void Check_ValueWrittenToAnotherKey_IsInvented()
    {
        var history = new HistoryBuilder();
        history.Put("j", "a", 0, 10);

        var verdict = Check(history, HistoryBuilder.Final(("j", ["a"]), ("k", ["a"])));

        Assert.That(Kinds(verdict), Is.EqualTo(new[] { AnomalyKinds.InventedValue }));
        Assert.That(verdict.Anomalies.Single().Explanation, Does.Contain("another key, j"));
    }

    [Test]
    public void Check_FailedPutValueSeen_IsFailedWriteApplied()
    {
        var history = new HistoryBuilder();
        var put = history.Put("k", "a", 0, 10, OpOutcome.Fail);
        history.Read("k", ["a"], 20, 30);

        var verdict = Check(history, HistoryBuilder.Final(("k", ["a"])));

        Assert.That(Kinds(verdict), Is.EqualTo(new[] { AnomalyKinds.FailedWriteApplied, AnomalyKinds.FailedWriteApplied }));
        Assert.That(verdict.Anomalies[0].Operations, Is.EqualTo(new[] { 1, put.Index }));
    }

    [Test]
    public void Check_FailedPutValueNeverSeen_IsValid()
    {
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 10, OpOutcome.Fail);
        history.Read("k", [], 20, 30);

        var verdict = Check(history, HistoryBuilder.Final(("k", [])));

        Assert.That(verdict.Valid, Is.True, string.Join("; ", verdict.Anomalies));
    }

    [Test]
    public void Check_ValueReadBeforeItsPutWasInvoked_IsReadBeforeWrite()
    {
        var history = new HistoryBuilder();
        history.Read("k", ["a"], 0, 5);
        history.Put("k", "a", 10, 20);

        var verdict = Check(history, HistoryBuilder.Final(("k", ["a"])));

        Assert.That(Kinds(verdict), Is.EqualTo(new[] { AnomalyKinds.ReadBeforeWrite }));
        Assert.That(verdict.Anomalies.Single().TimesMs, Is.EqualTo(new long[] { 5, 10 }));
    }

    [Test]
    public void Check_ValueReadWhileItsPutWasInFlight_IsValid()
    {
        var history = new HistoryBuilder();
        history.Read("k", ["a"], 0, 15);
        history.Put("k", "a", 10, 20);

        var verdict = Check(history, HistoryBuilder.Final(("k", ["a"])));

        Assert.That(verdict.Valid, Is.True, string.Join("; ", verdict.Anomalies));
    }

    [Test]
    public void Check_DeletedValueGoneFromFinalState_IsValid()
    {
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 10);
        var read = history.Read("k", ["a"], 20, 30);
        history.Delete("k", read, 40, 50);

        var verdict = Check(history, HistoryBuilder.Final(("k", [])));

        Assert.That(verdict.Valid, Is.True, string.Join("; ", verdict.Anomalies));
    }

    [Test]
    public void Check_DeletedValueBackInFinalState_IsResurrectedDelete()
    {
        var history = new HistoryBuilder();
        var put = history.Put("k", "a", 0, 10);
        var read = history.Read("k", ["a"], 20, 30);
        var delete = history.Delete("k", read, 40, 50);

        var verdict = Check(history, HistoryBuilder.Final(("k", ["a"])));

        Assert.That(Kinds(verdict), Is.EqualTo(new[] { AnomalyKinds.ResurrectedDelete }));
        Assert.That(verdict.Anomalies.Single().Operations, Is.EqualTo(new[] { put.Index, read.Index, delete.Index }));
    }

    [Test]
    public void Check_DeletedValueWhosePutWasStillInFlight_MayComeBack()
    {
        // The put may mint another copy of the value after the delete's read (a second coordination):
        // a concurrent write the delete did not cover.
        var history = new HistoryBuilder();
        var read = history.Read("k", ["a"], 20, 30);
        history.Put("k", "a", 0, 25);
        history.Delete("k", read, 40, 50);

        var verdict = Check(history, HistoryBuilder.Final(("k", ["a"])));

        Assert.That(verdict.Valid, Is.True, string.Join("; ", verdict.Anomalies));
    }

    [Test]
    public void Check_ValueOfUnknownDelete_MayStay()
    {
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 10);
        var read = history.Read("k", ["a"], 20, 30);
        history.Delete("k", read, 40, 50, OpOutcome.Unknown);

        var verdict = Check(history, HistoryBuilder.Final(("k", ["a"])));

        Assert.That(verdict.Valid, Is.True, string.Join("; ", verdict.Anomalies));
    }

    [Test]
    public void Check_ReadAtAllAfterDeleteReturnsDeletedValue_IsDeletedValueRead()
    {
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 10);
        var read = history.Read("k", ["a"], 20, 30);
        history.Delete("k", read, 40, 50);
        var late = history.Read("k", ["a"], 60, 70, ConsistencyLevel.All);

        var verdict = Check(history, HistoryBuilder.Final(("k", [])));

        Assert.That(Kinds(verdict), Is.EqualTo(new[] { AnomalyKinds.DeletedValueRead }));
        Assert.That(verdict.Anomalies.Single().Operations, Does.Contain(late.Index));
    }

    [TestCase(ConsistencyLevel.Quorum, 60, TestName = "Check_StaleReadAtQuorumAfterDelete_IsAllowed")]
    [TestCase(ConsistencyLevel.One, 60, TestName = "Check_StaleReadAtOneAfterDelete_IsAllowed")]
    [TestCase(ConsistencyLevel.All, 45, TestName = "Check_ReadAtAllConcurrentWithDelete_IsAllowed")]
    public void Check_ReadThatMaySeeDeletedValue_IsAllowed(ConsistencyLevel consistency, long invokedAt)
    {
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 10);
        var read = history.Read("k", ["a"], 20, 30);
        history.Delete("k", read, 40, 50);
        history.Read("k", ["a"], invokedAt, 70, consistency);

        var verdict = Check(history, HistoryBuilder.Final(("k", [])));

        Assert.That(verdict.Valid, Is.True, string.Join("; ", verdict.Anomalies));
    }

    [Test]
    public void Check_LongTtlPutKept_IsValid()
    {
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 10, ttl: 3600);

        var verdict = Check(history, new FinalState(new Dictionary<string, IReadOnlyList<string>> { ["k"] = ["a"] }, [], 30_000));

        Assert.That(verdict.Valid, Is.True, string.Join("; ", verdict.Anomalies));
    }

    [Test]
    public void Check_LongTtlPutExpiredEarly_IsLostTtlWrite()
    {
        // E.g. a node whose clock runs hours ahead expiring it: the TTL cannot have run out in 30 s.
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 10, ttl: 3600);

        var verdict = Check(history, new FinalState(new Dictionary<string, IReadOnlyList<string>> { ["k"] = [] }, [], 30_000));

        Assert.That(Kinds(verdict), Is.EqualTo(new[] { AnomalyKinds.LostTtlWrite }));
    }

    [Test]
    public void Check_ShortTtlPutPastItsTtl_MayBeGone()
    {
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 10, ttl: 1);

        var verdict = Check(history, new FinalState(new Dictionary<string, IReadOnlyList<string>> { ["k"] = [] }, [], 30_000));

        Assert.That(verdict.Valid, Is.True, string.Join("; ", verdict.Anomalies));
    }

    [Test]
    public void Check_UnreadKey_IsReportedAndItsWritesAreNotCalledLost()
    {
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 10);

        var verdict = Check(history, new FinalState(new Dictionary<string, IReadOnlyList<string>>(), ["k"], 30_000));

        Assert.That(Kinds(verdict), Is.EqualTo(new[] { AnomalyKinds.UnreadableFinalState }));
    }

    [Test]
    public void Check_ManyAnomalies_KeepsTheFirstAndCountsAll()
    {
        var history = new HistoryBuilder();
        for (var i = 0; i < 25; i++)
        {
            history.Put($"k{i}", $"v{i}", i, i + 1);
        }

        var verdict = new HistoryChecker(kept: 10).Check(history.Build(), HistoryBuilder.Final());

        Assert.That(verdict.Anomalies, Has.Count.EqualTo(10));
        Assert.That(verdict.Counts[AnomalyKinds.LostWrite], Is.EqualTo(25));
        Assert.That(verdict.Total, Is.EqualTo(25));
        Assert.That(verdict.Anomalies.Select(anomaly => anomaly.Key), Is.EqualTo(Enumerable.Range(0, 10).Select(i => $"k{i}")));
    }

    [Test]
    public void With_RunnerAnomalies_AddsThemToCountsAndValidity()
    {
        var history = new HistoryBuilder();
        history.Put("k", "a", 0, 10);
        var verdict = Check(history, HistoryBuilder.Final(("k", ["a"])));

        var merged = verdict.With([Anomaly.Of(AnomalyKinds.DivergentReplicas, "k", "storage-node-2 differs from storage-node-1")]);

        Assert.That(verdict.Valid, Is.True);
        Assert.That(merged.Valid, Is.False);
        Assert.That(merged.Counts[AnomalyKinds.DivergentReplicas], Is.EqualTo(1));
        Assert.That(merged.Anomalies.Single().Kind, Is.EqualTo(AnomalyKinds.DivergentReplicas));
    }
}
