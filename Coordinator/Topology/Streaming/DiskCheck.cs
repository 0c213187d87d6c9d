using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Ring;
using PairDb.Hosting.Security;

namespace PairDb.Coordinator.Topology.Streaming;

/// <summary>
/// A target's disk usage from its GET /health (runbook 6.1: disk_usage_percent, and
/// disk_status.warning_threshold, the node's own configured threshold). A target above its warning
/// threshold is refused before streaming starts (issue 8).
/// </summary>
public sealed class DiskCheck : IDisposable
{
    private readonly HttpClient _http;
    private readonly TopologyChangeOptions _options;

    public DiskCheck(IOptions<TopologyChangeOptions> options, HostSecurity security)
    {
        _options = options.Value;
        // The node's /health answers members and operators only: the coordinator calls as a member.
        _http = new HttpClient(MemberHttp.CreateHandler(security)) { Timeout = TimeSpan.FromSeconds(5) };
    }

    /// <summary>
    /// The node's usage and threshold; throws HttpRequestException/TimeoutException (transient) when
    /// it cannot be asked. Tries the registered HTTP port, then the gRPC port: a node serves /health
    /// on both (one port, both protocols), and runbook 5.1's AddStorageNode names only the latter.
    /// </summary>
    public async Task<DiskUsage> ReadAsync(RingNode node, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadAsync(node.Scheme, node.Host, node.HttpPort, cancellationToken);
        }
        catch (HttpRequestException) when (node.GrpcPort != node.HttpPort)
        {
            return await ReadAsync(node.Scheme, node.Host, node.GrpcPort, cancellationToken);
        }
    }

    private async Task<DiskUsage> ReadAsync(string scheme, string host, int port, CancellationToken cancellationToken)
    {
        var url = MemberHttp.Address(scheme, host, port) + "/health";
        using var response = await _http.GetAsync(url, cancellationToken);
        // An unhealthy node answers 503 with the same JSON body; the body is what matters here.
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        JsonDocument json;
        try
        {
            json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw new HttpRequestException($"{url} answered {(int)response.StatusCode} without a health report: {e.Message}", e);
        }
        using (json)
        {
            var root = json.RootElement;
            var usage = root.TryGetProperty("disk_usage_percent", out var percent) && percent.TryGetDouble(out var value) ? value : 0;
            var threshold = _options.DiskWarningPercent;
            if (root.TryGetProperty("disk_status", out var disk) && disk.ValueKind == JsonValueKind.Object
                && disk.TryGetProperty("warning_threshold", out var warning) && warning.TryGetDouble(out var configured) && configured > 0)
            {
                threshold = configured;
            }
            return new DiskUsage(usage, threshold);
        }
    }

    public void Dispose() => _http.Dispose();
}

public readonly record struct DiskUsage(double Percent, double WarningThreshold)
{
    public bool AboveWarning => Percent >= WarningThreshold;
}
