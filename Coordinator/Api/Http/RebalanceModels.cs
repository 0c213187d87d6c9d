using PairDb.Coordinator.Data;
using PairDb.Coordinator.Topology.Changes;

namespace PairDb.Coordinator.Api.Http;

/// <summary>Body of POST /api/v1/rebalance/start (runbook 3.1 step 3).</summary>
public sealed record RebalanceStartBody(string? TargetNode, IReadOnlyList<string>? SourceNodes, string? RebalanceStrategy);

/// <summary>Body of POST /api/v1/rebalance/restart and /abort (runbook 3.2, 3.4).</summary>
public sealed record RebalanceTargetBody(string? TargetNode);

/// <summary>Body of POST /api/v1/rebalance/change-source (runbook 3.2).</summary>
public sealed record ChangeSourceBody(string? TargetNode, string? OldSource, string? NewSource);

/// <summary>GET /api/v1/rebalance/status: runbook 3.1 step 4's JSON, plus the change's identity and its streams.</summary>
public sealed record RebalanceStatusJson(
    string ChangeId,
    string Type,
    string TargetNode,
    string State,
    string Status,
    int ProgressPercent,
    long KeysCopied,
    long KeysStreamed,
    long BytesTransferred,
    DateTimeOffset? EstimatedCompletion,
    DateTimeOffset StartTime,
    DateTimeOffset? CompletedAt,
    string? Waiting,
    string? Error,
    IReadOnlyList<RebalanceStreamJson> Streams,
    Cleanup.CleanupPlan? Cleanup)
{
    public static RebalanceStatusJson From(PendingChangeRecord change)
    {
        var details = ChangeDetails.Parse(change.Details);
        var streams = new List<RebalanceStreamJson>(details.Streams.Count);
        foreach (var stream in details.Streams)
        {
            streams.Add(new RebalanceStreamJson(stream.Source, stream.Target, stream.State, stream.KeysCopied, stream.BytesTransferred, stream.EstimatedKeys, stream.Ranges));
        }
        return new RebalanceStatusJson(
            change.ChangeId, change.Type, change.NodeId, StateOf(change.Status, details.Phase), change.Status, change.Progress,
            ChangeProgress.KeysCopied(details.Streams), details.KeysStreamed, ChangeProgress.BytesTransferred(details.Streams),
            details.EstimatedCompletion, change.StartTime, change.CompletedAt, details.Waiting, change.Error, streams, details.Cleanup);
    }

    /// <summary>The runbook's "state": the phase while the change runs, the outcome once it ended.</summary>
    public static string StateOf(string status, string phase) => status switch
    {
        ChangeStatuses.Pending => ChangePhases.Queued,
        ChangeStatuses.Completed or ChangeStatuses.CleanedUp or ChangeStatuses.Failed or ChangeStatuses.Aborted => status,
        _ => phase == ChangePhases.Done ? ChangeStatuses.Completed : phase,
    };
}

public sealed record RebalanceStreamJson(
    string Source, string Target, string State, long KeysCopied, long BytesTransferred, long EstimatedKeys, IReadOnlyList<ulong[]> Ranges);

/// <summary>POST /api/v1/routing/update.</summary>
public sealed record RoutingJson(long RingVersion, IReadOnlyList<string> Members, int PendingTargets);
