using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PairDb.Coordinator.Clock;
using PairDb.Coordinator.Options;

namespace PairDb.Coordinator.Tests.Clock;

public sealed class ClusterClockTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2025-01-09T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly long ThreeHoursMs = (long)TimeSpan.FromHours(3).TotalMilliseconds;
    private FakeTimeProvider _time = null!;
    private ClusterClock _clock = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(Start);
        _clock = new ClusterClock(_time, Microsoft.Extensions.Options.Options.Create(new ClockOptions()), NullLogger<ClusterClock>.Instance);
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A probe whose node answered <paramref name="offsetMs"/> off this clock, in a 20 ms round trip.</summary>
    private void Probe(string nodeId, long offsetMs) => _clock.Record(nodeId, Now + 10 + offsetMs, Now, TimeSpan.FromMilliseconds(20));

    [Test]
    public void Record_OneFastNode_ReportsItsOffsetAndKeepsTheCoordinatorClock()
    {
        Probe("n1", 0);
        Probe("n2", 40);
        Probe("n3", ThreeHoursMs);

        Assert.Multiple(() =>
        {
            Assert.That(_clock.OffsetOf("n3")!.Value.TotalHours, Is.EqualTo(3).Within(0.001));
            Assert.That(_clock.OffsetOf("n2")!.Value.TotalMilliseconds, Is.EqualTo(40).Within(1));
            Assert.That(_clock.Correction, Is.EqualTo(TimeSpan.Zero), "one node cannot outvote the others");
            Assert.That(_clock.NowUnixMs(), Is.EqualTo(Now));
        });
    }

    [Test]
    public void Record_EveryNodeThreeHoursBehindThisCoordinator_CorrectsTheClusterTime()
    {
        Probe("n1", -ThreeHoursMs);
        Probe("n2", -ThreeHoursMs + 5);
        Probe("n3", -ThreeHoursMs - 5);

        Assert.Multiple(() =>
        {
            Assert.That(_clock.Correction.TotalHours, Is.EqualTo(-3).Within(0.001), "this coordinator's clock is the one that is wrong");
            Assert.That(_clock.NowUnixMs(), Is.EqualTo(Now - ThreeHoursMs).Within(10));
            Assert.That(_clock.OffsetOf("n1")!.Value.TotalSeconds, Is.EqualTo(0).Within(0.05), "offsets are reported against the corrected time");
        });
    }

    [Test]
    public void Record_SingleNode_NeverCorrects()
    {
        Probe("n1", -ThreeHoursMs);

        Assert.That(_clock.Correction, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void Record_TwoNodesOneWrong_TieKeepsTheCoordinatorClock()
    {
        Probe("n1", 0);
        Probe("n2", -ThreeHoursMs);

        Assert.That(_clock.Correction, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void Record_OffsetsWithinTheBound_NoCorrection()
    {
        Probe("n1", 20_000);
        Probe("n2", 25_000);
        Probe("n3", 29_000);

        Assert.That(_clock.Correction, Is.EqualTo(TimeSpan.Zero), "within PairDb:Coordinator:Clock:MaxOffset this clock stands");
    }

    [Test]
    public void Record_NodesAgreeAgain_CorrectionEnds()
    {
        Probe("n1", -ThreeHoursMs);
        Probe("n2", -ThreeHoursMs);
        Probe("n1", 0);
        Probe("n2", 0);

        Assert.That(_clock.Correction, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void Record_StaleOffsets_DoNotVote()
    {
        Probe("n1", -ThreeHoursMs);
        _time.Advance(TimeSpan.FromMinutes(5));
        Probe("n2", -ThreeHoursMs);
        Probe("n3", 0);

        Assert.That(_clock.Correction, Is.EqualTo(TimeSpan.Zero), "n1's five-minute-old offset no longer counts: one fresh vote each way");
    }

    [Test]
    public void Retain_ForgetsRemovedNodes()
    {
        Probe("n1", 0);
        Probe("n2", 0);

        _clock.Retain(new HashSet<string> { "n1" });

        Assert.Multiple(() =>
        {
            Assert.That(_clock.OffsetOf("n2"), Is.Null);
            Assert.That(_clock.OffsetsSeconds().Keys, Is.EquivalentTo(new[] { "n1" }));
        });
    }

    [TestCase(new long[] { 5, 1, 3 }, 3L)]
    [TestCase(new long[] { -10, 0, 7, 100 }, 0L)]
    [TestCase(new long[] { -100, -7, 9, 100 }, -7L)]
    public void Median_PicksTheMiddleNearestZero(long[] offsets, long expected) =>
        Assert.That(ClockOffsetMedian.Of([.. offsets]), Is.EqualTo(expected));

    [Test]
    public async Task TtlDeadline_BeforeAnyProbe_WaitsForTheNodesThenUsesTheCorrectedTime()
    {
        // This coordinator restarted 200 minutes slow: a deadline from its own clock would be past on arrival.
        var slowMs = (long)TimeSpan.FromMinutes(200).TotalMilliseconds;
        var pending = _clock.TtlDeadlineAsync(3600, DateTime.MaxValue, CancellationToken.None).AsTask();
        Assert.That(pending.IsCompleted, Is.False, "no TTL deadline before the nodes checked the clock");

        Probe("n1", slowMs);
        Assert.That(pending.IsCompleted, Is.False, "one node cannot check the clock of a cluster of several");
        Probe("n2", slowMs + 3);

        var deadline = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(deadline, Is.EqualTo(Now + slowMs + 3_600_000).Within(20), "deadline on the nodes' time, one hour ahead");
    }

    [Test]
    public void TtlDeadline_NodesNeverAnswer_RefusedWithNodeNotReadyAfterTheWait()
    {
        var pending = _clock.TtlDeadlineAsync(3600, DateTime.MaxValue, CancellationToken.None).AsTask();
        _time.Advance(new ClockOptions().VerifyWait + TimeSpan.FromMilliseconds(1));

        var e = Assert.ThrowsAsync<PairDb.Contracts.Errors.PairDbException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.That(e!.Code, Is.EqualTo(PairDb.Contracts.Errors.ErrorCode.NodeNotReady));
    }

    [Test]
    public void Verified_SingleNodeCluster_CheckedByItsOneNode()
    {
        Probe("n1", 0);
        Assert.That(_clock.Verified, Is.False, "the cluster's size is unknown before the first round ends");

        _clock.Retain(new HashSet<string> { "n1" });

        Assert.That(_clock.Verified, Is.True);
    }
}
