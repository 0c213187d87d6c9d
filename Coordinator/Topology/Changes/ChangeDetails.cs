using System.Text.Json;
using System.Text.Json.Serialization;
using PairDb.Coordinator.Cleanup;
using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Topology.Changes;

/// <summary>
/// pending_changes.details of a bootstrap or decommission (TOPOLOGY.md): the phase, the persisted
/// plan (streams with their resume points) and, once completed, the cleanup schedule. Every step of
/// the runner writes it before acting, so a new run resumes from it.
/// </summary>
public sealed class ChangeDetails
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>One of <see cref="ChangePhases"/>.</summary>
    public string Phase { get; set; } = ChangePhases.Queued;

    public int VirtualNodes { get; set; }

    /// <summary>The address of the node the change is about, kept so cleanup can reach it after its row is gone.</summary>
    public NodeAddress? Node { get; set; }

    /// <summary>Decommission only: the operator forced it (below N, or the node is dead).</summary>
    public bool Force { get; set; }

    /// <summary>AutoStart=false: the change waits for POST /api/v1/rebalance/start.</summary>
    public bool WaitForOperator { get; set; }

    /// <summary>Sources the operator prefers (rebalance/start source_nodes), used where they replicate the range.</summary>
    public List<string>? SourceNodes { get; set; }

    /// <summary>Decommission with force of a DOWN node: gainers stream from staying owners instead.</summary>
    public bool SourceDown { get; set; }

    /// <summary>Bumped by operator actions (restart, change-source); a runner holding an older one stops.</summary>
    public int Revision { get; set; }

    public List<StreamProgress> Streams { get; set; } = [];

    /// <summary>Every range whose replicas the change alters (what overlap with other changes is judged on).</summary>
    public List<ulong[]> MovedRanges { get; set; } = [];

    /// <summary>pending_writes_delivered + hints_replayed: the live writes the gainers received (runbook 3.1 keys_streamed).</summary>
    public long KeysStreamed { get; set; }

    /// <summary>Pending-range writes delivered to the gainers while runs of this change were active (each coordinator counts its own).</summary>
    public long PendingWritesDelivered { get; set; }

    public long HintsReplayed { get; set; }

    public DateTimeOffset? CopyStartedAt { get; set; }

    public DateTimeOffset? EstimatedCompletion { get; set; }

    /// <summary>Why the change waits (queued behind another change, a node unreachable, ...), for the operator.</summary>
    public string? Waiting { get; set; }

    /// <summary>Set at cutover (or abort): what the cleanup job drops, where, when (Coordinator/Cleanup).</summary>
    public CleanupPlan? Cleanup { get; set; }

    public static ChangeDetails Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) ? new ChangeDetails() : JsonSerializer.Deserialize<ChangeDetails>(json, Json) ?? new ChangeDetails();

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ulong[] ToJson(TokenRange range) => [range.StartExclusive, range.EndInclusive];

    public static List<ulong[]> ToJson(IEnumerable<TokenRange> ranges)
    {
        var result = new List<ulong[]>();
        foreach (var range in ranges)
        {
            result.Add(ToJson(range));
        }
        return result;
    }

    public static TokenRange ToRange(ulong[] pair) =>
        pair.Length == 2 ? new TokenRange(pair[0], pair[1]) : throw new FormatException($"a token range is [start, end], not {pair.Length} numbers");

    public static List<TokenRange> ToRanges(IEnumerable<ulong[]> pairs)
    {
        var result = new List<TokenRange>();
        foreach (var pair in pairs)
        {
            result.Add(ToRange(pair));
        }
        return result;
    }
}

public sealed record NodeAddress(string Host, int GrpcPort, int HttpPort, string Scheme = "http");

/// <summary>One stream of the plan: <see cref="Target"/> pulls <see cref="Ranges"/> from <see cref="Source"/>.</summary>
public sealed class StreamProgress
{
    public int Id { get; set; }

    public required string Source { get; set; }

    public required string Target { get; set; }

    public List<ulong[]> Ranges { get; set; } = [];

    /// <summary>One of <see cref="StreamStates"/>.</summary>
    public string State { get; set; } = StreamStates.Copying;

    /// <summary>Resume point: every key up to it is applied and durable on the target (base64 in JSON).</summary>
    public byte[]? LastKey { get; set; }

    public long KeysCopied { get; set; }

    public long BytesTransferred { get; set; }

    public long EstimatedKeys { get; set; }

    public int Resyncs { get; set; }
}

/// <summary>Values of details.phase, in order.</summary>
public static class ChangePhases
{
    public const string Queued = "queued";
    public const string Copying = "copying";
    public const string Streaming = "streaming";
    public const string Syncing = "syncing";
    public const string Cutover = "cutover";
    public const string Done = "done";
}

public static class StreamStates
{
    public const string Copying = "copying";
    public const string Copied = "copied";
    public const string Synced = "synced";
}
