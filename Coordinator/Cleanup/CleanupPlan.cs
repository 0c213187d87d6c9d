using System.Text.Json;
using System.Text.Json.Serialization;
using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Cleanup;

/// <summary>Values of <c>details.cleanup.status</c>.</summary>
public static class CleanupStatuses
{
    /// <summary>Waiting for its due time, or for a node that could not be reached.</summary>
    public const string Scheduled = "scheduled";

    /// <summary>Every task executed or skipped; the change is <c>cleaned_up</c>.</summary>
    public const string Executed = "executed";

    /// <summary>A quorum of the current owners could not be shown to hold some range; data kept, retried.</summary>
    public const string FailedSafetyCheck = "failed_safety_check";
}

/// <summary>Values of <c>details.cleanup.tasks[].status</c>.</summary>
public static class CleanupTaskStatuses
{
    public const string Scheduled = "scheduled";

    /// <summary>DropRanges ran on the node.</summary>
    public const string Executed = "executed";

    /// <summary>The node is out of storage_nodes and stayed unreachable: nothing left to clean.</summary>
    public const string SkippedNodeGone = "skipped_node_gone";
}

/// <summary>
/// <c>pending_changes.details.cleanup</c> (TOPOLOGY.md): when the ranges a change took away from
/// nodes may be dropped there, and how far that got. Fields this type does not know are kept as
/// they are when it is written back.
/// </summary>
public sealed class CleanupPlan
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public DateTimeOffset DueAt { get; set; }

    public string Status { get; set; } = CleanupStatuses.Scheduled;

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    public List<CleanupTask> Tasks { get; set; } = [];

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>
    /// The cleanup a change schedules at cutover: due <paramref name="grace"/> after
    /// <paramref name="completedAt"/> (zero grace for an aborted decommission's partial copies).
    /// Store <see cref="ToJson"/> as <c>details.cleanup</c> and count it with
    /// <c>CleanupMetrics.CleanupScheduled</c>.
    /// </summary>
    public static CleanupPlan Schedule(DateTimeOffset completedAt, TimeSpan grace, IEnumerable<CleanupTask> tasks) =>
        new() { DueAt = completedAt + grace, Status = CleanupStatuses.Scheduled, Tasks = [.. tasks] };

    public static CleanupPlan Parse(string json) =>
        JsonSerializer.Deserialize<CleanupPlan>(json, Json) ?? throw new JsonException("details.cleanup is null");

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>One node and the ranges it no longer replicates.</summary>
public sealed class CleanupTask
{
    public string NodeId { get; set; } = "";

    public string Host { get; set; } = "";

    public int GrpcPort { get; set; }

    /// <summary>Token ranges as <c>[start, end]</c> pairs: (start, end], wrapping when start &gt;= end.</summary>
    public List<ulong[]> Ranges { get; set; } = [];

    public string Status { get; set; } = CleanupTaskStatuses.Scheduled;

    public ulong KeysDropped { get; set; }

    /// <summary>Runs in which this task's node could not be reached.</summary>
    public int Attempts { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    public bool IsDone => Status is CleanupTaskStatuses.Executed or CleanupTaskStatuses.SkippedNodeGone;

    /// <summary>A task for <paramref name="node"/> to drop <paramref name="ranges"/>, addressed as the node is now.</summary>
    public static CleanupTask For(RingNode node, IEnumerable<TokenRange> ranges)
    {
        var task = new CleanupTask { NodeId = node.NodeId, Host = node.Host, GrpcPort = node.GrpcPort };
        foreach (var range in ranges)
        {
            task.Ranges.Add([range.StartExclusive, range.EndInclusive]);
        }
        return task;
    }

    public IReadOnlyList<TokenRange> TokenRanges()
    {
        var ranges = new List<TokenRange>(Ranges.Count);
        foreach (var pair in Ranges)
        {
            if (pair.Length != 2)
            {
                throw new JsonException($"cleanup task {NodeId}: a range must be [start, end], got {pair.Length} numbers");
            }
            ranges.Add(new TokenRange(pair[0], pair[1]));
        }
        return ranges;
    }
}
