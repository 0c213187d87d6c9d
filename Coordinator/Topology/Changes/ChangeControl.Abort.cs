using PairDb.Coordinator.Cleanup;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Topology.Changes;

public sealed partial class ChangeControl
{
    /// <summary>
    /// Rolls the change back to exactly the ring before it (runbook 3.4). A bootstrap's node row is
    /// removed and its partial data cleared (ClearAll, once no run touches it any more); a
    /// decommission's node is NORMAL again. What the gainers received is recorded as cleanup tasks
    /// due now, so it is dropped even if the ClearAll cannot reach the node or this process dies.
    /// </summary>
    public async Task<PendingChangeRecord> AbortAsync(string targetNode, CancellationToken cancellationToken)
    {
        var found = await FindAsync(Require(targetNode, "target_node"), cancellationToken);
        ChangeDetails? details = null;
        PendingChangeRecord? aborted = null;
        for (var attempt = 1; aborted is null; attempt++)
        {
            try
            {
                aborted = await AbortOnceAsync(found.ChangeId, d => details = d, cancellationToken);
            }
            catch (Exception e) when (attempt < 3 && IsTransientDatabaseError(e))
            {
                // A deadlock or serialization failure against a run writing the same rows: the
                // transaction rolled back whole, so trying again is safe.
                LogAbortRetried(logger, found.ChangeId, e.Message);
            }
        }
        if (aborted.Type == ChangeTypes.Bootstrap)
        {
            metrics.BootstrapEnded(ChangeStatuses.Aborted);
        }
        // The rollback is committed: what follows only tidies up, and a failure there must not
        // report the abort as failed. A job left scheduled finds its change terminal and removes
        // itself; partial data left on the target is dropped by the change's cleanup task.
        try
        {
            running.Cancel(aborted.ChangeId);
            await scheduler.UnscheduleAsync(aborted.ChangeId, cancellationToken);
            if (aborted.Type == ChangeTypes.Bootstrap && details?.Node is { } address)
            {
                await ClearTargetAsync(aborted, details, address, cancellationToken);
            }
            return await store.LoadAsync(aborted.ChangeId, cancellationToken) ?? aborted;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogAfterAbortFailed(logger, aborted.ChangeId, aborted.NodeId, e.GetType().Name + ": " + e.Message, e);
            return aborted;
        }
    }

    /// <summary>The rollback in one transaction; reports the change's details as finalized through <paramref name="finalized"/>.</summary>
    private Task<PendingChangeRecord> AbortOnceAsync(string changeId, Action<ChangeDetails> finalized, CancellationToken cancellationToken) =>
        registry.AbortChangeAsync(changeId, (change, rows, now) =>
        {
            var details = ChangeDetails.Parse(change.Details);
            finalized(details);
            var addresses = new Dictionary<string, NodeAddress>(StringComparer.Ordinal);
            foreach (var row in rows)
            {
                addresses[row.NodeId] = new NodeAddress(row.Host, row.GrpcPort, row.HttpPort, row.Scheme);
            }
            if (details.Node is { } node)
            {
                addresses.TryAdd(change.NodeId, node);
            }
            var moves = ChangePlanner.Moves(ChangePlanner.Ring(rows), change.NodeId, ringOptions.Value.ReplicationFactor);
            details.Revision++;
            details.Waiting = null;
            details.EstimatedCompletion = null;
            details.Cleanup = CleanupPlan.Schedule(now, TimeSpan.Zero, ChangePlanner.CleanupTasks(moves, gainers: true, addresses));
            return details.ToJson();
        }, cancellationToken);

    private static bool IsTransientDatabaseError(Exception e) =>
        e is Npgsql.NpgsqlException { IsTransient: true } || e.InnerException is Npgsql.NpgsqlException { IsTransient: true };

    [LoggerMessage(EventId = 1234, Level = LogLevel.Warning,
        Message = "Abort of topology change retried after a transient database error change_id={ChangeId} error={Error}")]
    private static partial void LogAbortRetried(ILogger logger, string changeId, string error);

    [LoggerMessage(EventId = 1233, Level = LogLevel.Warning,
        Message = "Topology change aborted; tidying up after it failed and is left to the change's job and cleanup change_id={ChangeId} node_id={NodeId} error={Error}")]
    private static partial void LogAfterAbortFailed(ILogger logger, string changeId, string nodeId, string error, Exception exception);

    /// <summary>
    /// ClearAll on the aborted bootstrap's node, after taking the change's lock (so no FetchRanges of
    /// a run still winding down lands after it). Best effort: a failure leaves the cleanup task to do it.
    /// </summary>
    private async Task ClearTargetAsync(PendingChangeRecord change, ChangeDetails details, NodeAddress address, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + AbortQuiesce;
        ChangeLock? lease = null;
        while (lease is null && time.GetUtcNow() < deadline)
        {
            lease = await ChangeLock.TryAcquireAsync(store.LockSource, change.ChangeId, cancellationToken);
            if (lease is null)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
            }
        }
        if (lease is null)
        {
            LogClearSkipped(logger, change.ChangeId, change.NodeId, "a run elsewhere still holds the change");
            return;
        }
        await using (lease)
        {
            var node = new RingNode(change.NodeId, address.Host, address.GrpcPort, address.HttpPort, NodeStates.Bootstrapping, false, []) { Scheme = address.Scheme };
            try
            {
                var dropped = await streams.ClearAllAsync(node, cancellationToken);
                foreach (var task in details.Cleanup?.Tasks ?? [])
                {
                    if (string.Equals(task.NodeId, change.NodeId, StringComparison.Ordinal))
                    {
                        task.Status = CleanupTaskStatuses.Executed;
                        task.KeysDropped = dropped;
                    }
                }
                if (details.Cleanup is { } cleanup && cleanup.Tasks.TrueForAll(t => t.IsDone))
                {
                    cleanup.Status = CleanupStatuses.Executed;
                }
                await store.ReplaceDetailsAsync(change.ChangeId, ChangeStatuses.Aborted, details.ToJson(), cancellationToken);
                LogCleared(logger, change.ChangeId, change.NodeId, dropped);
            }
            catch (Exception e) when (Streaming.NodeStreams.IsTransient(e) || e is Grpc.Core.RpcException)
            {
                LogClearSkipped(logger, change.ChangeId, change.NodeId, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 1231, Level = LogLevel.Information,
        Message = "Partial data cleared on aborted bootstrap target change_id={ChangeId} node_id={NodeId} keys_dropped={KeysDropped}")]
    private static partial void LogCleared(ILogger logger, string changeId, string nodeId, ulong keysDropped);

    [LoggerMessage(EventId = 1232, Level = LogLevel.Warning,
        Message = "Could not clear the aborted bootstrap target now; its cleanup task will drop the data change_id={ChangeId} node_id={NodeId} reason={Reason}")]
    private static partial void LogClearSkipped(ILogger logger, string changeId, string nodeId, string reason);
}
