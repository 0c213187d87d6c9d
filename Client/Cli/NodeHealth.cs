using System.Text.Json;

namespace PairDb.Client.Cli;

/// <summary>Reads a storage node's <c>/health</c> report (runbook 6.1) from its HTTP admin port.</summary>
public static class NodeHealth
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>The report, or null when the node does not answer in time.</summary>
    public static async Task<JsonDocument?> TryReadAsync(string host, int httpPort, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            await using var body = await http.GetStreamAsync(new Uri($"http://{host}:{httpPort}/health"), cancellationToken);
            return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary><c>disk_usage_percent</c> of a report, or null.</summary>
    public static double? DiskUsagePercent(JsonDocument? report) =>
        report is not null && report.RootElement.TryGetProperty("disk_usage_percent", out var usage) && usage.ValueKind == JsonValueKind.Number
            ? usage.GetDouble()
            : null;
}
