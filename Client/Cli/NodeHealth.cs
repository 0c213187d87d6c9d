using System.Text.Json;
using PairDb.Client.Tooling.Security;

namespace PairDb.Client.Cli;

/// <summary>Reads a storage node's <c>/health</c> report (runbook 6.1) from its HTTP admin port.</summary>
public static class NodeHealth
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The report, or null when the node does not answer in time. <paramref name="access"/>: TLS and the operator
    /// token of a secure cluster (the full report is for operators and members); default plaintext.
    /// </summary>
    public static async Task<JsonDocument?> TryReadAsync(string host, int httpPort, ClusterAccess? access = null, CancellationToken cancellationToken = default)
    {
        access ??= ClusterAccess.Plaintext;
        using var http = access.OperatorHttpClient(Timeout);
        try
        {
            await using var body = await http.GetStreamAsync(Url(host, httpPort, access), cancellationToken);
            return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The node's <c>/health</c> URL.</summary>
    public static Uri Url(string host, int httpPort, ClusterAccess access) => new(access.Url(host, httpPort), "/health");

    /// <summary><c>disk_usage_percent</c> of a report, or null.</summary>
    public static double? DiskUsagePercent(JsonDocument? report) =>
        report is not null && report.RootElement.TryGetProperty("disk_usage_percent", out var usage) && usage.ValueKind == JsonValueKind.Number
            ? usage.GetDouble()
            : null;

    /// <summary>
    /// What an operator should know about a node from its report, in one line: the read-only cause
    /// (<c>read_only</c>: operation, file, error, what the resume waits for), else a disk status other than ok
    /// (with what engaged it), else the report's status; "no answer" when it did not answer.
    /// </summary>
    public static string Describe(JsonDocument? report)
    {
        if (report is null)
        {
            return "no answer from /health";
        }

        var root = report.RootElement;
        if (root.TryGetProperty("read_only", out var readOnly) && readOnly.ValueKind == JsonValueKind.Object)
        {
            var text = $"READ-ONLY since {Text(readOnly, "since")}: {Text(readOnly, "operation")} failed on {Text(readOnly, "file")}: {Text(readOnly, "error")}";
            if (Text(readOnly, "waiting_for") is { Length: > 0 } waiting)
            {
                text += $"; resume waits for {waiting}";
            }
            else if (Text(readOnly, "resume_error") is { Length: > 0 } resumeError)
            {
                text += $"; last resume failed: {resumeError}";
            }

            return text;
        }

        if (root.TryGetProperty("disk_status", out var disk) && Text(disk, "status") is { } diskStatus && diskStatus != "ok")
        {
            var engagedBy = Text(disk, "engaged_by");
            return $"disk {diskStatus}" + (engagedBy is { Length: > 0 } ? $" ({engagedBy.Replace(",", " and ", StringComparison.Ordinal)})" : "");
        }

        return Text(root, "status") ?? "unknown";
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;
}
