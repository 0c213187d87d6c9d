using PairDb.Coordinator.Topology.Changes;

namespace PairDb.Coordinator.Tests.Topology;

public sealed class ChangeProgressTests
{
    [TestCase(ChangePhases.Queued, 0)]
    [TestCase(ChangePhases.Streaming, 80)]
    [TestCase(ChangePhases.Cutover, 99)]
    [TestCase(ChangePhases.Done, 100)]
    public void Percent_Phase_FixedPoint(string phase, int expected)
    {
        Assert.That(ChangeProgress.Percent(new ChangeDetails { Phase = phase, Streams = [Stream(100, 100, StreamStates.Copied)] }), Is.EqualTo(expected));
    }

    [Test]
    public void Percent_CopyingHalfOfTheEstimate_Forty()
    {
        var details = new ChangeDetails { Phase = ChangePhases.Copying, Streams = [Stream(30, 100), Stream(70, 100)] };
        Assert.That(ChangeProgress.Percent(details), Is.EqualTo(40));
    }

    [Test]
    public void Percent_CopiedStreamCountsAsWhole_EvenBeyondItsEstimate()
    {
        var details = new ChangeDetails { Phase = ChangePhases.Copying, Streams = [Stream(150, 100, StreamStates.Copied), Stream(0, 50)] };
        Assert.That(ChangeProgress.Percent(details), Is.EqualTo(60), "150 of 200 expected keys");
    }

    [Test]
    public void Percent_SyncingHalfTheStreams_BetweenNinetyAndHundred()
    {
        var details = new ChangeDetails { Phase = ChangePhases.Syncing, Streams = [Stream(1, 1, StreamStates.Synced), Stream(1, 1, StreamStates.Copied)] };
        Assert.That(ChangeProgress.Percent(details), Is.EqualTo(94));
    }

    [Test]
    public void CopiedFraction_NoEstimatesYet_CountsFinishedStreams()
    {
        Assert.That(ChangeProgress.CopiedFraction([Stream(0, 0, StreamStates.Copied), Stream(0, 0)]), Is.EqualTo(0.5));
        Assert.That(ChangeProgress.CopiedFraction([]), Is.EqualTo(1));
    }

    [Test]
    public void EstimateCompletion_HalfCopiedAfterTenSeconds_TwentyFiveSecondsAfterStart()
    {
        var started = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        var details = new ChangeDetails { Phase = ChangePhases.Copying, CopyStartedAt = started, Streams = [Stream(50, 100)] };

        Assert.That(ChangeProgress.EstimateCompletion(details, started.AddSeconds(10)), Is.EqualTo(started.AddSeconds(25)));
        Assert.That(ChangeProgress.EstimateCompletion(new ChangeDetails { Phase = ChangePhases.Syncing, CopyStartedAt = started }, started), Is.Null);
    }

    private static StreamProgress Stream(long copied, long estimated, string state = StreamStates.Copying) =>
        new() { Source = "a", Target = "b", KeysCopied = copied, EstimatedKeys = estimated, State = state };
}
