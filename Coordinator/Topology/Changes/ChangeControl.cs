using Microsoft.Extensions.Options;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Telemetry;
using PairDb.Coordinator.Topology.Streaming;

namespace PairDb.Coordinator.Topology.Changes;

/// <summary>
/// The operator's controls of a change (runbook 3.1-3.4): start, restart, abort, change-source.
/// Each edits the row with a compare-and-set that bumps details.revision, which stops the run in
/// progress wherever it runs (its next write no longer matches); the change's job then resumes it
/// from what is persisted.
/// </summary>
public sealed partial class ChangeControl(
    ChangeStore store, NodeRegistry registry, ChangeScheduler scheduler, RunningChanges running, NodeStreams streams,
    TopologyMetrics metrics, IOptions<RingOptions> ringOptions, TimeProvider time, ILogger<ChangeControl> logger)
{
    /// <summary>How long an abort waits for a run elsewhere to notice and release the change before clearing the target.</summary>
    private static readonly TimeSpan AbortQuiesce = TimeSpan.FromSeconds(10);

    /// <summary>The change the operator means by a node: its active change, else its latest. NotFound when it has none.</summary>
    public async Task<PendingChangeRecord> FindAsync(string? targetNode, CancellationToken cancellationToken)
    {
        var change = string.IsNullOrEmpty(targetNode)
            ? await store.LatestActiveAsync(cancellationToken)
            : await store.LatestForNodeAsync(targetNode, cancellationToken);
        return change ?? throw new MembershipException(MembershipFailure.NotFound, string.IsNullOrEmpty(targetNode)
            ? "no topology change is pending or in progress"
            : $"storage node '{targetNode}' has no bootstrap or decommission");
    }

    /// <summary>Starts a change that waits for the operator (AutoStart=false); returns a running one as it is.</summary>
    public async Task<PendingChangeRecord> StartAsync(string targetNode, IReadOnlyList<string>? sourceNodes, CancellationToken cancellationToken)
    {
        var change = await FindAsync(Require(targetNode, "target_node"), cancellationToken);
        if (change.Status == ChangeStatuses.InProgress)
        {
            return change;
        }
        if (change.Status != ChangeStatuses.Pending)
        {
            throw Invalid($"the {change.Type} of '{change.NodeId}' is {change.Status}; POST /api/v1/rebalance/restart resumes a failed change");
        }
        var details = ChangeDetails.Parse(change.Details);
        if (sourceNodes is { Count: > 0 })
        {
            var ring = await registry.ReloadAsync(cancellationToken);
            foreach (var source in sourceNodes)
            {
                if (!ring.TryGetNode(source, out _))
                {
                    throw new MembershipException(MembershipFailure.NotFound, $"source node '{source}' is not registered");
                }
            }
            details.SourceNodes = [.. sourceNodes];
        }
        details.WaitForOperator = false;
        details.Waiting = null;
        return await ReviseAsync(change, details, change.Status, cancellationToken);
    }

    /// <summary>Resumes a failed change (or re-drives a paused one) from its persisted state.</summary>
    public async Task<PendingChangeRecord> RestartAsync(string targetNode, CancellationToken cancellationToken)
    {
        var change = await FindAsync(Require(targetNode, "target_node"), cancellationToken);
        var details = ChangeDetails.Parse(change.Details);
        var status = change.Status switch
        {
            ChangeStatuses.Failed => details.Phase == ChangePhases.Queued ? ChangeStatuses.Pending : ChangeStatuses.InProgress,
            ChangeStatuses.Pending or ChangeStatuses.InProgress => change.Status,
            _ => throw Invalid($"the {change.Type} of '{change.NodeId}' is {change.Status}; there is nothing to restart"),
        };
        details.Waiting = null;
        return await ReviseAsync(change, details, status, cancellationToken);
    }

    /// <summary>
    /// Switches every stream reading from <paramref name="oldSource"/> to <paramref name="newSource"/>,
    /// which must be an old replica of each of their ranges; they start over from their first key
    /// (the target merges, so what it already holds stays).
    /// </summary>
    public async Task<PendingChangeRecord> ChangeSourceAsync(string targetNode, string oldSource, string newSource, CancellationToken cancellationToken)
    {
        var change = await FindAsync(Require(targetNode, "target_node"), cancellationToken);
        Require(oldSource, "old_source");
        Require(newSource, "new_source");
        if (change.Status is not (ChangeStatuses.InProgress or ChangeStatuses.Failed or ChangeStatuses.Pending))
        {
            throw Invalid($"the {change.Type} of '{change.NodeId}' is {change.Status}; its sources can no longer change");
        }
        var details = ChangeDetails.Parse(change.Details);
        if (details.Phase == ChangePhases.Queued)
        {
            throw Invalid($"the {change.Type} of '{change.NodeId}' has not been planned yet; name its sources with source_nodes in POST /api/v1/rebalance/start");
        }
        var ring = await registry.ReloadAsync(cancellationToken);
        if (!ring.TryGetNode(newSource, out _))
        {
            throw new MembershipException(MembershipFailure.NotFound, $"new_source '{newSource}' is not registered");
        }
        var affected = details.Streams.FindAll(s => string.Equals(s.Source, oldSource, StringComparison.Ordinal));
        if (affected.Count == 0)
        {
            throw Invalid($"no stream of the {change.Type} of '{change.NodeId}' reads from '{oldSource}'");
        }
        foreach (var stream in affected)
        {
            CheckOldReplica(ring, stream, newSource, ringOptions.Value.ReplicationFactor);
            stream.Source = newSource;
            stream.State = StreamStates.Copying;
            stream.LastKey = null;
            stream.KeysCopied = 0;
            stream.BytesTransferred = 0;
            stream.EstimatedKeys = 0;
            stream.Resyncs = 0;
        }
        details.Phase = ChangePhases.Copying;
        details.Waiting = null;
        LogSourceChanged(logger, change.ChangeId, oldSource, newSource, affected.Count);
        var status = change.Status == ChangeStatuses.Failed ? ChangeStatuses.InProgress : change.Status;
        return await ReviseAsync(change, details, status, cancellationToken);
    }

    private static void CheckOldReplica(TokenRing ring, StreamProgress stream, string newSource, int replicationFactor)
    {
        if (string.Equals(stream.Target, newSource, StringComparison.Ordinal))
        {
            throw Invalid($"new_source '{newSource}' is the stream's target");
        }
        foreach (var pair in stream.Ranges)
        {
            var range = ChangeDetails.ToRange(pair);
            var replicas = ring.GetPreferenceList(range.EndInclusive, replicationFactor);
            var found = false;
            foreach (var replica in replicas)
            {
                found |= string.Equals(replica.NodeId, newSource, StringComparison.Ordinal);
            }
            if (!found)
            {
                throw Invalid($"new_source '{newSource}' does not replicate range {range} (its replicas are {string.Join(", ", replicas.Select(r => r.NodeId))})");
            }
        }
    }

    private async Task<PendingChangeRecord> ReviseAsync(PendingChangeRecord change, ChangeDetails details, string status, CancellationToken cancellationToken)
    {
        var revision = details.Revision;
        details.Revision = revision + 1;
        if (!await store.ReviseAsync(change.ChangeId, change.Status, revision, status, details, cancellationToken))
        {
            throw new MembershipException(MembershipFailure.Refused,
                $"the {change.Type} of '{change.NodeId}' changed while this request was handled; look at its status and try again");
        }
        running.Cancel(change.ChangeId);
        await scheduler.EnsureScheduledAsync(change.ChangeId, runNow: true, cancellationToken);
        return await store.LoadAsync(change.ChangeId, cancellationToken) ?? change;
    }

    private static string Require(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw Invalid($"{name} is required") : value;

    private static MembershipException Invalid(string message) => new(MembershipFailure.Invalid, message);

    [LoggerMessage(EventId = 1230, Level = LogLevel.Information,
        Message = "Stream source changed change_id={ChangeId} old_source={OldSource} new_source={NewSource} streams={Streams}")]
    private static partial void LogSourceChanged(ILogger logger, string changeId, string oldSource, string newSource, int streams);
}
