using PairDb.StorageNode.Data;

namespace PairDb.StorageNode.Tests.Unit;

public sealed class ExpiryTimeTests
{
    [Test]
    public void For_NoRequestTime_JudgesNothingAndStampsAtNodeClock()
    {
        var time = ExpiryTime.For(nodeNowUnixMs: 5_000, requestNowUnixMs: 0);

        Assert.Multiple(() =>
        {
            Assert.That(time.Judges, Is.False, "without a trusted time no sibling may be dropped");
            Assert.That(time.StampUnixMs, Is.EqualTo(5_000));
        });
    }

    [TestCase(10_000, 4_000, 4_000, TestName = "For_FastNodeClock_JudgesAtRequestTime")]
    [TestCase(4_000, 10_000, 4_000, TestName = "For_FastCoordinatorClock_JudgesAtNodeClock")]
    [TestCase(7_000, 7_000, 7_000, TestName = "For_AgreeingClocks_JudgesAtEither")]
    public void For_RequestTime_JudgesAtTheEarlierClock(long node, long request, long expected)
    {
        var time = ExpiryTime.For(node, request);

        Assert.Multiple(() =>
        {
            Assert.That(time.Judges, Is.True);
            Assert.That(time.JudgedAtUnixMs, Is.EqualTo(expected));
            Assert.That(time.StampUnixMs, Is.EqualTo(expected), "a fast clock cannot make a last-writer-wins write win either");
        });
    }
}
