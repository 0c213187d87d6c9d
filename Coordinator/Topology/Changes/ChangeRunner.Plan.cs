using PairDb.Coordinator.Data;
using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Topology.Changes;

public sealed partial class ChangeRunner
{
    /// <summary>
    /// Plans a queued change against the rows as they are now and starts it, unless a change ahead of
    /// it (in progress, or pending and older) moves an overlapping range: then it stays pending and a
    /// later run tries again. Decided under the planning lock, so two overlapping changes cannot both
    /// start. Returns whether the change started.
    /// </summary>
    private async Task<bool> PlanAsync(ChangeRun run)
    {
        await using var planning = await run.Lease.LockPlanningAsync(run.Token);
        // Read under the lock, so a change that started while this run waited is seen; and the
        // active changes before the rows: a change missing from the list has committed its cutover
        // (in the same transaction as its node's new state), so the rows read next include it.
        var active = await _store.ListActiveAsync(run.Token);
        var rows = await _registry.ListAsync(run.Token);
        var node = FindRow(rows, run.NodeId);
        var expected = run.IsBootstrap ? NodeStates.Bootstrapping : NodeStates.Leaving;
        if (node is null || node.State != expected)
        {
            throw new ChangeFailedException(
                $"storage node '{run.NodeId}' is {node?.State ?? "not registered"}, but a {run.Type} needs it {expected}");
        }
        var ring = ChangePlanner.Ring(rows);
        var moves = ChangePlanner.Moves(ring, run.NodeId, _replicationFactor);
        var mine = ChangePlanner.RangesOf(moves);
        var blocker = ChangePlanner.BlockedBy(mine, Ahead(run.ChangeId, active, ring));
        if (blocker is not null)
        {
            await QueueAsync(run, $"queued behind topology change {blocker}, which moves overlapping ranges");
            return false;
        }

        var sourceDown = !run.IsBootstrap && run.Details.Force
            && (node.Status == NodeStatuses.Down || _liveness.IsDown(run.NodeId));
        var streams = ChangePlanner.Streams(moves, sourceDown ? run.NodeId : null, run.Details.SourceNodes);
        lock (run.Gate)
        {
            run.Details.Streams = streams;
            run.Details.MovedRanges = ChangeDetails.ToJson(mine);
            run.Details.SourceDown = sourceDown;
            run.Details.Phase = ChangePhases.Copying;
            run.Details.Waiting = null;
            run.Details.CopyStartedAt = _time.GetUtcNow();
        }
        await TransitionAsync(run, ChangeStatuses.InProgress);
        LogPlanned(run.ChangeId, run.Type, run.NodeId, moves.Count, streams.Count, sourceDown);
        return true;
    }

    /// <summary>The changes that go before this one: every in-progress change, and pending ones that are older and not waiting for the operator.</summary>
    private List<(string ChangeId, IReadOnlyList<TokenRange> Ranges)> Ahead(string changeId, List<PendingChangeRecord> active, TokenRing ring)
    {
        var ahead = new List<(string, IReadOnlyList<TokenRange>)>();
        var older = true;
        foreach (var other in active)
        {
            if (other.ChangeId == changeId)
            {
                // Listed oldest first: pending changes after this one are younger and wait for it.
                older = false;
                continue;
            }
            var goesFirst = other.Status == ChangeStatuses.InProgress
                || (older && !ChangeDetails.Parse(other.Details).WaitForOperator);
            if (goesFirst)
            {
                ahead.Add((other.ChangeId, ChangePlanner.RangesOf(ChangePlanner.Moves(ring, other.NodeId, _replicationFactor))));
            }
        }
        return ahead;
    }

    private async Task QueueAsync(ChangeRun run, string why)
    {
        run.SetWaiting(why);
        if (run.Status == ChangeStatuses.Pending)
        {
            await SaveAsync(run);
        }
        else
        {
            await TransitionAsync(run, ChangeStatuses.Pending);
        }
        LogQueued(run.ChangeId, why);
    }

    private async Task TransitionAsync(ChangeRun run, string status)
    {
        string json;
        int progress;
        lock (run.Gate)
        {
            progress = ChangeProgress.Percent(run.Details);
            json = run.Details.ToJson();
        }
        if (!await _store.TransitionAsync(run.ChangeId, run.Status, status, run.Revision, progress, json, error: null, run.Token))
        {
            run.Stop("pending_changes row changed under the runner (status, revision or node row)");
            run.Token.ThrowIfCancellationRequested();
        }
        run.Status = status;
    }
}
