using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Cleanup;

/// <summary>The ranges of one task that share a replica list in the current ring.</summary>
public sealed record OwnerGroup(IReadOnlyList<string> Owners, IReadOnlyList<TokenRange> Ranges)
{
    /// <summary>Stable text of the owner list, for grouping and messages.</summary>
    public string OwnersText => string.Join(",", Owners);
}

/// <summary>How many current owners of a group were shown to hold the task node's data.</summary>
public sealed record GroupVerification(OwnerGroup Group, IReadOnlyList<string> VerifiedOwners, IReadOnlyList<string> FailedOwners);

/// <summary>
/// The cleanup's decisions, as pure functions of the plan, the ring and what the nodes answered, so
/// they are tested without a cluster: which changes are due, how a task's ranges split among the
/// current owners, whether a quorum holds them, and what the plan says afterwards.
/// </summary>
public static class CleanupPlanner
{
    /// <summary>A change's cleanup runs when it is scheduled (or failed its last safety check) and due.</summary>
    public static bool IsDue(CleanupPlan plan, DateTimeOffset now) =>
        plan.Status is CleanupStatuses.Scheduled or CleanupStatuses.FailedSafetyCheck && plan.DueAt <= now;

    /// <summary>Verified owners needed per group: a quorum of N, N/2 + 1.</summary>
    public static int Quorum(int replicationFactor) => replicationFactor / 2 + 1;

    /// <summary>
    /// Splits <paramref name="ranges"/> along the current ring's ranges and groups the pieces by their
    /// current replica list (in ring order of first appearance). Pieces that
    /// <paramref name="taskNodeId"/> replicates again in the current ring are left out: the node owns
    /// them now and must keep them. Returns the groups and those kept pieces.
    /// </summary>
    public static (IReadOnlyList<OwnerGroup> Groups, IReadOnlyList<TokenRange> OwnedAgain) GroupByOwners(
        TokenRing ring, int replicationFactor, string taskNodeId, IReadOnlyList<TokenRange> ranges)
    {
        var groups = new Dictionary<string, (IReadOnlyList<string> Owners, List<TokenRange> Ranges)>(StringComparer.Ordinal);
        var order = new List<string>();
        var ownedAgain = new List<TokenRange>();
        var owned = ring.GetOwnedRanges(replicationFactor);
        foreach (var range in ranges)
        {
            foreach (var current in owned)
            {
                var pieces = RangeSplitter.Intersect(range, current.Range);
                if (pieces.Count == 0)
                {
                    continue;
                }
                if (current.Replicas.Contains(taskNodeId, StringComparer.Ordinal))
                {
                    ownedAgain.AddRange(pieces);
                    continue;
                }
                var key = string.Join(",", current.Replicas);
                if (!groups.TryGetValue(key, out var group))
                {
                    group = (current.Replicas, []);
                    groups[key] = group;
                    order.Add(key);
                }
                group.Ranges.AddRange(pieces);
            }
        }
        var result = new List<OwnerGroup>(order.Count);
        foreach (var key in order)
        {
            result.Add(new OwnerGroup(groups[key].Owners, groups[key].Ranges));
        }
        return (result, ownedAgain);
    }

    /// <summary>
    /// Null when every group has at least <see cref="Quorum"/> verified owners; otherwise why not,
    /// naming the first failing group's ranges and owners (for <c>last_error</c> and the log).
    /// A task with no group (nothing of it is owned by anyone, e.g. an empty ring) fails too: nobody
    /// is shown to hold its data.
    /// </summary>
    public static string? QuorumFailure(IReadOnlyList<GroupVerification> verifications, int replicationFactor)
    {
        var quorum = Quorum(replicationFactor);
        if (verifications.Count == 0)
        {
            return "no current owner holds the task's ranges (empty ring)";
        }
        foreach (var verification in verifications)
        {
            if (verification.VerifiedOwners.Count < quorum)
            {
                var group = verification.Group;
                var first = group.Ranges.Count > 0 ? group.Ranges[0].ToString() : "()";
                return $"quorum not verified for {group.Ranges.Count} range(s) starting {first}: " +
                    $"{verification.VerifiedOwners.Count}/{quorum} of owners [{group.OwnersText}] hold the data" +
                    (verification.FailedOwners.Count > 0 ? $" (not verified: {string.Join(",", verification.FailedOwners)})" : "");
            }
        }
        return null;
    }

    /// <summary>
    /// The plan after a run over its tasks: executed when every task is done, else failed_safety_check
    /// when a safety check failed in this run, else still scheduled; attempts and last_error follow.
    /// Returns whether the change is now cleaned up.
    /// </summary>
    public static bool Conclude(CleanupPlan plan, IReadOnlyList<string> errors, bool safetyCheckFailed)
    {
        var allDone = plan.Tasks.TrueForAll(static t => t.IsDone);
        if (allDone)
        {
            plan.Status = CleanupStatuses.Executed;
            plan.LastError = null;
            return true;
        }
        plan.Attempts++;
        plan.Status = safetyCheckFailed ? CleanupStatuses.FailedSafetyCheck : CleanupStatuses.Scheduled;
        plan.LastError = errors.Count > 0 ? string.Join("; ", errors) : plan.LastError;
        return false;
    }

    /// <summary>
    /// An unreachable task node: counted, and given up as skipped_node_gone once it is out of
    /// storage_nodes and has failed <paramref name="maxAttemptsOnGoneNode"/> times.
    /// </summary>
    public static void NodeUnreachable(CleanupTask task, bool nodeRegistered, int maxAttemptsOnGoneNode)
    {
        task.Attempts++;
        if (!nodeRegistered && task.Attempts >= maxAttemptsOnGoneNode)
        {
            task.Status = CleanupTaskStatuses.SkippedNodeGone;
        }
    }
}
