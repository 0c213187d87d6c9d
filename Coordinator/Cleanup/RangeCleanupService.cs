using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Options;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Telemetry;

namespace PairDb.Coordinator.Cleanup;

/// <summary>What one cleanup pass did.</summary>
public sealed record CleanupRunSummary(int ChangesDue, int TasksExecuted, int TasksFailedSafetyCheck, int TasksUnreachable, int ChangesCleanedUp);

/// <summary>
/// The cleanup after topology changes (TOPOLOGY.md "Cleanup"): for every completed change whose
/// <c>details.cleanup</c> is due, each node that gave ranges up drops them once a quorum of the
/// ranges' current owners is shown to hold the data; otherwise the data stays and the next pass
/// tries again. Driven by <see cref="Jobs.RangeCleanupJob"/>; tests call <see cref="RunOnceAsync"/>.
/// Every write is a compare-and-set on the change's <c>details.cleanup</c> as it was read, so two
/// coordinators never both apply a step.
/// </summary>
public sealed partial class RangeCleanupService(
    CleanupStore store,
    RingProvider rings,
    QuorumVerifier verifier,
    CleanupNodeCalls nodes,
    CleanupMetrics metrics,
    IOptions<RingOptions> ringOptions,
    IOptions<TopologyOptions> topology,
    Clock.ClusterClock time,
    ILogger<RangeCleanupService> logger)
{
    /// <summary>One pass over every due cleanup.</summary>
    public async Task<CleanupRunSummary> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var summary = new Counts();
        var now = time.GetUtcNow(); // the cluster time, as the due time was scheduled in (NodeRegistry)
        foreach (var candidate in await store.LoadCandidatesAsync(cancellationToken))
        {
            CleanupPlan plan;
            try
            {
                plan = CleanupPlan.Parse(candidate.CleanupJson);
            }
            catch (System.Text.Json.JsonException e)
            {
                LogUnreadable(logger, candidate.ChangeId, e.Message);
                continue;
            }
            if (!CleanupPlanner.IsDue(plan, now))
            {
                continue;
            }
            summary.ChangesDue++;
            await CleanChangeAsync(candidate.ChangeId, candidate.CleanupJson, plan, summary, cancellationToken);
        }
        return new CleanupRunSummary(summary.ChangesDue, summary.Executed, summary.FailedSafetyCheck, summary.Unreachable, summary.CleanedUp);
    }

    private async Task CleanChangeAsync(string changeId, string expected, CleanupPlan plan, Counts summary, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var safetyCheckFailed = false;
        foreach (var task in plan.Tasks)
        {
            if (task.IsDone)
            {
                continue;
            }
            var outcome = await CleanTaskAsync(changeId, task, cancellationToken);
            switch (outcome.Kind)
            {
                case TaskOutcomeKind.Executed:
                    summary.Executed++;
                    // Recorded at once, so a crash before the end of the pass does not lose keys_dropped.
                    var written = plan.ToJson();
                    if (!await store.TryWriteAsync(changeId, expected, written, cleanedUp: false, cancellationToken))
                    {
                        LogLostRace(logger, changeId);
                        return;
                    }
                    expected = written;
                    break;
                case TaskOutcomeKind.FailedSafetyCheck:
                    summary.FailedSafetyCheck++;
                    safetyCheckFailed = true;
                    errors.Add(outcome.Error!);
                    break;
                case TaskOutcomeKind.Unreachable:
                    summary.Unreachable++;
                    errors.Add(outcome.Error!);
                    break;
            }
        }
        var cleanedUp = CleanupPlanner.Conclude(plan, errors, safetyCheckFailed);
        if (!await store.TryWriteAsync(changeId, expected, plan.ToJson(), cleanedUp, cancellationToken))
        {
            LogLostRace(logger, changeId);
            return;
        }
        if (cleanedUp)
        {
            summary.CleanedUp++;
            LogChangeCleanedUp(logger, changeId, plan.Tasks.Count);
        }
    }

    private async Task<TaskOutcome> CleanTaskAsync(string changeId, CleanupTask task, CancellationToken cancellationToken)
    {
        var ring = rings.Current;
        var n = ringOptions.Value.ReplicationFactor;
        var registered = ring.TryGetNode(task.NodeId, out var ringNode);
        var target = registered ? ringNode : new RingNode(task.NodeId, task.Host, task.GrpcPort, 0, NodeStates.Leaving, false, []);
        var (groups, ownedAgain) = CleanupPlanner.GroupByOwners(ring, n, task.NodeId, task.TokenRanges());
        if (ownedAgain.Count > 0)
        {
            LogOwnedAgain(logger, changeId, task.NodeId, ownedAgain.Count);
        }
        if (groups.Count == 0 && (ownedAgain.Count > 0 || task.Ranges.Count == 0))
        {
            task.Status = CleanupTaskStatuses.Executed;
            return TaskOutcome.Executed;
        }
        var pieces = Flatten(groups);
        var started = Stopwatch.GetTimestamp();
        IReadOnlyList<Contracts.Grpc.RangeDigestReply> taskDigests;
        try
        {
            taskDigests = pieces.Count == 0 ? [] : (await nodes.DigestsAsync(target, registered, pieces, cancellationToken)).Digests;
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            return Unreachable(changeId, task, registered, e);
        }
        var verifications = await verifier.VerifyAsync(ring, target, groups, taskDigests, cancellationToken);
        metrics.QuorumVerified(started);
        if (CleanupPlanner.QuorumFailure(verifications, n) is { } failure)
        {
            metrics.CleanupFailedSafetyCheck(task.NodeId);
            LogSafetyCheckFailed(logger, changeId, task.NodeId, failure);
            return new TaskOutcome(TaskOutcomeKind.FailedSafetyCheck, $"{task.NodeId}: {failure}");
        }
        try
        {
            var dropped = await nodes.DropAsync(target, registered, pieces, cancellationToken);
            task.Status = CleanupTaskStatuses.Executed;
            task.KeysDropped += dropped.KeysDropped;
            metrics.CleanupExecuted(task.NodeId);
            LogDropped(logger, changeId, task.NodeId, pieces.Count, dropped.KeysDropped, dropped.BytesReclaimed);
            return TaskOutcome.Executed;
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            return Unreachable(changeId, task, registered, e);
        }
    }

    private TaskOutcome Unreachable(string changeId, CleanupTask task, bool registered, RpcException e)
    {
        CleanupPlanner.NodeUnreachable(task, registered, topology.Value.CleanupMaxAttemptsOnGoneNode);
        if (task.Status == CleanupTaskStatuses.SkippedNodeGone)
        {
            LogSkippedGone(logger, changeId, task.NodeId, task.Attempts);
            return new TaskOutcome(TaskOutcomeKind.Skipped, null);
        }
        LogUnreachable(logger, changeId, task.NodeId, task.Host, task.GrpcPort, e.Status.StatusCode.ToString(), e.Status.Detail);
        return new TaskOutcome(TaskOutcomeKind.Unreachable, $"{task.NodeId} unreachable: {e.Status.StatusCode} {e.Status.Detail}");
    }

    private static List<TokenRange> Flatten(IReadOnlyList<OwnerGroup> groups)
    {
        var pieces = new List<TokenRange>();
        foreach (var group in groups)
        {
            pieces.AddRange(group.Ranges);
        }
        return pieces;
    }

    private enum TaskOutcomeKind
    {
        Executed,
        Skipped,
        FailedSafetyCheck,
        Unreachable,
    }

    private sealed record TaskOutcome(TaskOutcomeKind Kind, string? Error)
    {
        public static readonly TaskOutcome Executed = new(TaskOutcomeKind.Executed, null);
    }

    private sealed class Counts
    {
        public int ChangesDue;
        public int Executed;
        public int FailedSafetyCheck;
        public int Unreachable;
        public int CleanedUp;
    }
}
