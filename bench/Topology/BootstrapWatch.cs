using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PairDb.Contracts.Grpc;

namespace PairDb.Bench.Topology;

/// <summary>How a bootstrap went, as the coordinator reported it.</summary>
public sealed record BootstrapOutcome(
    string Status,
    NodeState FinalState,
    TimeSpan Observed,
    TimeSpan? ServerDuration,
    IReadOnlyList<string> Timeline,
    RebalanceFigures? Rebalance)
{
    public bool Completed => Status is "completed" or "cleaned_up";
}

/// <summary>The byte and key totals of <c>GET /api/v1/rebalance/status</c> (runbook 3.1 step 4), when the coordinator serves it.</summary>
public sealed record RebalanceFigures(string State, long BytesTransferred, long KeysCopied, long KeysStreamed, int Streams);

/// <summary>
/// Starts a bootstrap with AddStorageNode and polls GetStorageNodeStatus until the node's pending_changes row
/// is <c>completed</c> (or failed, aborted, or the timeout passes), noting every change of state, status and
/// progress with its time since the call.
/// </summary>
public static class BootstrapWatch
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <param name="phases">Where to note (seconds since the call, runbook state) whenever the change's state changes.</param>
    public static async Task<BootstrapOutcome> RunAsync(
        CoordinatorService.CoordinatorServiceClient coordinator, HttpClient http, Uri coordinatorAdmin, AddStorageNodeRequest request,
        TimeSpan timeout, List<(double Seconds, string State)> phases, CancellationToken cancellationToken)
    {
        var timeline = new List<string>();
        var started = Stopwatch.GetTimestamp();
        var added = await coordinator.AddStorageNodeAsync(request, cancellationToken: cancellationToken);
        var last = Note(timeline, started, added.Node, added.Change, "", "");
        var reply = new GetStorageNodeStatusReply { Node = added.Node, Change = added.Change };
        using var timer = new PeriodicTimer(PollInterval);
        while (!IsFinal(reply.Change) && Stopwatch.GetElapsedTime(started) < timeout)
        {
            await timer.WaitForNextTickAsync(cancellationToken);
            reply = await coordinator.GetStorageNodeStatusAsync(new GetStorageNodeStatusRequest { NodeId = request.NodeId }, cancellationToken: cancellationToken);
            var state = (await RebalanceAsync(http, coordinatorAdmin, request.NodeId, cancellationToken))?.State ?? "";
            if (state.Length > 0 && (phases.Count == 0 || phases[^1].State != state))
            {
                phases.Add((Stopwatch.GetElapsedTime(started).TotalSeconds, state));
            }

            last = Note(timeline, started, reply.Node, reply.Change, state, last);
        }

        var observed = Stopwatch.GetElapsedTime(started);
        var change = reply.Change;
        TimeSpan? server = change?.StartTime is { } start && change.CompletedAt is { } end ? end.ToDateTime() - start.ToDateTime() : null;
        var status = change?.Status ?? "none";
        if (!IsFinal(change))
        {
            status = $"timed out after {timeout.TotalSeconds:F0} s ({status})";
        }

        return new BootstrapOutcome(status, reply.Node?.State ?? NodeState.Unspecified, observed, server, timeline, null);
    }

    /// <summary>The rebalance status of <paramref name="nodeId"/>, or null when the coordinator does not serve it (yet).</summary>
    public static async Task<RebalanceFigures?> RebalanceAsync(HttpClient http, Uri coordinatorAdmin, string nodeId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(coordinatorAdmin, $"/api/v1/rebalance/status?target_node={Uri.EscapeDataString(nodeId)}"), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            var root = json.RootElement;
            return new RebalanceFigures(
                root.TryGetProperty("state", out var state) && state.ValueKind == JsonValueKind.String ? state.GetString() ?? "" : "",
                Long(root, "bytes_transferred"), Long(root, "keys_copied"), Long(root, "keys_streamed"),
                root.TryGetProperty("streams", out var streams) && streams.ValueKind == JsonValueKind.Array ? streams.GetArrayLength() : 0);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static long Long(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : 0;

    private static bool IsFinal(TopologyChange? change) => change?.Status is "completed" or "cleaned_up" or "failed" or "aborted";

    /// <summary>Adds a timeline line when node state, status, phase or progress (in 10% steps) changed; returns the new key.</summary>
    private static string Note(List<string> timeline, long started, StorageNodeInfo? node, TopologyChange? change, string phase, string last)
    {
        var state = (node?.State ?? NodeState.Unspecified).ToString().ToUpperInvariant();
        var key = $"{state} {change?.Status ?? "-"} {phase} {(change?.Progress ?? 0) / 10}";
        if (key != last)
        {
            timeline.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Stopwatch.GetElapsedTime(started).TotalSeconds,6:F1} s  {state} {change?.Status ?? "-"} {phase} progress {change?.Progress ?? 0}%"));
        }

        return key;
    }
}
