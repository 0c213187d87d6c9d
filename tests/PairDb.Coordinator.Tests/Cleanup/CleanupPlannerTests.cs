using PairDb.Coordinator.Cleanup;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Tests.Ring;

namespace PairDb.Coordinator.Tests.Cleanup;

public sealed class CleanupPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [TestCase("scheduled", -1, true)]
    [TestCase("failed_safety_check", -1, true)]
    [TestCase("scheduled", 0, true)]
    [TestCase("scheduled", 1, false)]
    [TestCase("executed", -1, false)]
    public void IsDue_StatusAndDueTime_DecideTogether(string status, int minutesFromNow, bool due) =>
        Assert.That(CleanupPlanner.IsDue(new CleanupPlan { Status = status, DueAt = Now.AddMinutes(minutesFromNow) }, Now), Is.EqualTo(due));

    [TestCase(1, 1)]
    [TestCase(2, 2)]
    [TestCase(3, 2)]
    [TestCase(5, 3)]
    public void Quorum_ReplicationFactor_IsHalfPlusOne(int n, int quorum) => Assert.That(CleanupPlanner.Quorum(n), Is.EqualTo(quorum));

    [Test]
    public void GroupByOwners_DecommissionedNodeRanges_GroupsByCurrentReplicasWithoutTheNode()
    {
        var before = Clusters.Join(4, virtualNodes: 8);
        var leaving = before[3].NodeId;
        var oldRing = RingBuilder.Build(before, 1);
        var newRing = RingBuilder.Build(before.Take(3), 2);
        var ranges = oldRing.GetRangesOf(leaving, 3);

        var (groups, ownedAgain) = CleanupPlanner.GroupByOwners(newRing, 3, leaving, ranges);

        Assert.That(ownedAgain, Is.Empty);
        Assert.That(groups.SelectMany(g => g.Owners), Has.None.EqualTo(leaving));
        foreach (var group in groups)
        {
            Assert.That(group.Owners, Has.Count.EqualTo(3));
            foreach (var piece in group.Ranges)
            {
                Assert.That(newRing.GetPreferenceList(piece.EndInclusive, 3).Select(n => n.NodeId), Is.EqualTo(group.Owners),
                    $"piece {piece} belongs to the group of its current replicas");
            }
        }
        Assert.That(Width(groups.SelectMany(g => g.Ranges)), Is.EqualTo(Width(ranges)), "every token of the task is in exactly one group");
    }

    [Test]
    public void GroupByOwners_NodeOwnsRangesAgain_KeepsThemOutOfTheGroups()
    {
        var nodes = Clusters.Join(4, virtualNodes: 8);
        var ring = RingBuilder.Build(nodes, 1);
        var node = nodes[0].NodeId;
        var ownRanges = ring.GetRangesOf(node, 3);

        var (groups, ownedAgain) = CleanupPlanner.GroupByOwners(ring, 3, node, ownRanges);

        Assert.That(groups, Is.Empty);
        Assert.That(Width(ownedAgain), Is.EqualTo(Width(ownRanges)));
    }

    [Test]
    public void QuorumFailure_EveryGroupHasQuorum_IsNull()
    {
        var verifications = new[]
        {
            Verification(["a", "b", "c"], verified: ["a", "b"]),
            Verification(["b", "c", "d"], verified: ["b", "c", "d"]),
        };

        Assert.That(CleanupPlanner.QuorumFailure(verifications, 3), Is.Null);
    }

    [Test]
    public void QuorumFailure_OneGroupShort_NamesItsRangeAndOwners()
    {
        var verifications = new[]
        {
            Verification(["a", "b", "c"], verified: ["a", "b"]),
            Verification(["b", "c", "d"], verified: ["d"], start: 500),
        };

        var failure = CleanupPlanner.QuorumFailure(verifications, 3);

        Assert.That(failure, Does.Contain("(500, 600]"));
        Assert.That(failure, Does.Contain("1/2 of owners [b,c,d]"));
        Assert.That(failure, Does.Contain("not verified: b,c"));
    }

    [Test]
    public void QuorumFailure_NoGroups_Fails() => Assert.That(CleanupPlanner.QuorumFailure([], 3), Does.Contain("empty ring"));

    [Test]
    public void Conclude_AllTasksDone_ExecutedAndCleanedUp()
    {
        var plan = Plan(CleanupTaskStatuses.Executed, CleanupTaskStatuses.SkippedNodeGone);
        plan.Status = CleanupStatuses.FailedSafetyCheck;
        plan.LastError = "earlier";

        var cleanedUp = CleanupPlanner.Conclude(plan, [], safetyCheckFailed: false);

        Assert.That(cleanedUp, Is.True);
        Assert.That(plan.Status, Is.EqualTo(CleanupStatuses.Executed));
        Assert.That(plan.LastError, Is.Null);
        Assert.That(plan.Attempts, Is.Zero);
    }

    [Test]
    public void Conclude_SafetyCheckFailed_FailedStatusAttemptCountedErrorKept()
    {
        var plan = Plan(CleanupTaskStatuses.Executed, CleanupTaskStatuses.Scheduled);

        var cleanedUp = CleanupPlanner.Conclude(plan, ["n2: quorum not verified"], safetyCheckFailed: true);

        Assert.That(cleanedUp, Is.False);
        Assert.That(plan.Status, Is.EqualTo(CleanupStatuses.FailedSafetyCheck));
        Assert.That(plan.Attempts, Is.EqualTo(1));
        Assert.That(plan.LastError, Is.EqualTo("n2: quorum not verified"));
    }

    [Test]
    public void Conclude_OnlyUnreachable_StaysScheduled()
    {
        var plan = Plan(CleanupTaskStatuses.Scheduled);
        plan.Status = CleanupStatuses.FailedSafetyCheck;

        CleanupPlanner.Conclude(plan, ["n1 unreachable"], safetyCheckFailed: false);

        Assert.That(plan.Status, Is.EqualTo(CleanupStatuses.Scheduled));
        Assert.That(plan.LastError, Is.EqualTo("n1 unreachable"));
    }

    [Test]
    public void NodeUnreachable_RegisteredNode_NeverSkipped()
    {
        var task = new CleanupTask { NodeId = "n1" };
        for (var i = 0; i < 10; i++)
        {
            CleanupPlanner.NodeUnreachable(task, nodeRegistered: true, maxAttemptsOnGoneNode: 3);
        }
        Assert.That(task.Status, Is.EqualTo(CleanupTaskStatuses.Scheduled));
        Assert.That(task.Attempts, Is.EqualTo(10));
    }

    [Test]
    public void NodeUnreachable_GoneNode_SkippedAfterMaxAttempts()
    {
        var task = new CleanupTask { NodeId = "n1" };
        CleanupPlanner.NodeUnreachable(task, nodeRegistered: false, maxAttemptsOnGoneNode: 2);
        Assert.That(task.Status, Is.EqualTo(CleanupTaskStatuses.Scheduled));
        CleanupPlanner.NodeUnreachable(task, nodeRegistered: false, maxAttemptsOnGoneNode: 2);
        Assert.That(task.Status, Is.EqualTo(CleanupTaskStatuses.SkippedNodeGone));
    }

    private static GroupVerification Verification(string[] owners, string[] verified, ulong start = 100) =>
        new(new OwnerGroup(owners, [new TokenRange(start, start + 100)]), verified, owners.Except(verified).ToArray());

    private static CleanupPlan Plan(params string[] taskStatuses) => new()
    {
        DueAt = Now,
        Tasks = taskStatuses.Select((s, i) => new CleanupTask { NodeId = $"n{i + 1}", Status = s }).ToList(),
    };

    private static System.Numerics.BigInteger Width(IEnumerable<TokenRange> ranges)
    {
        System.Numerics.BigInteger total = 0;
        foreach (var range in ranges)
        {
            total += range.Width;
        }
        return total;
    }
}
