using PairDb.Coordinator.Replication.Hints;

namespace PairDb.Coordinator.Tests.Replication;

public sealed class HintBacklogTests
{
    private const string Target = "storage-node-3";
    private const long Cap = 5;

    [Test]
    public void Reset_HintsReservedButNotYetInTheTable_StillCountTowardTheCap()
    {
        var backlog = new HintBacklog();
        for (var i = 0; i < Cap; i++)
        {
            Assert.That(backlog.TryReserve(Target, Cap), Is.True);
        }

        // The replay job's recount ran before any of the five committed: the table holds none.
        backlog.Reset(new Dictionary<string, long>(), backlog.Versions());

        Assert.That(backlog.TryReserve(Target, Cap), Is.False, "five hints are on their way to the table");
        Assert.That(backlog.CountOf(Target), Is.EqualTo(Cap));
    }

    [Test]
    public void Reset_ACommitDuringTheRecount_KeepsTheCountThatIncludesIt()
    {
        var backlog = new HintBacklog();
        for (var i = 0; i < Cap; i++)
        {
            backlog.TryReserve(Target, Cap);
            backlog.Committed(Target);
        }
        backlog.Release(Target, 1);
        Assert.That(backlog.TryReserve(Target, Cap), Is.True);
        var versions = backlog.Versions();
        // The recount reads the table (4 hints) just before the reserved fifth commits.
        backlog.Committed(Target);
        backlog.Reset(new Dictionary<string, long> { [Target] = 4 }, versions);

        Assert.That(backlog.CountOf(Target), Is.EqualTo(Cap), "the stale recount is ignored");
        Assert.That(backlog.TryReserve(Target, Cap), Is.False);
    }

    [Test]
    public void Reset_QuietTarget_TakesTheTablesCount()
    {
        var backlog = new HintBacklog();
        backlog.TryReserve(Target, Cap);
        backlog.Committed(Target);

        // Another coordinator stored three more; nothing happened here during the recount.
        backlog.Reset(new Dictionary<string, long> { [Target] = 4, ["storage-node-9"] = 2 }, backlog.Versions());

        Assert.That(backlog.CountOf(Target), Is.EqualTo(4));
        Assert.That(backlog.CountOf("storage-node-9"), Is.EqualTo(2));
        Assert.That(backlog.TryReserve(Target, Cap), Is.True);
        Assert.That(backlog.TryReserve(Target, Cap), Is.False, "four stored and one reserved fill the cap");
        backlog.Abandoned(Target);
        Assert.That(backlog.CountOf(Target), Is.EqualTo(4), "an abandoned reservation gives its room back");
    }
}
