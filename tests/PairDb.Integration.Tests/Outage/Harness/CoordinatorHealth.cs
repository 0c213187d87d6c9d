using System.Net;
using System.Text.Json.Nodes;

namespace PairDb.Integration.Tests.Outage.Harness;

/// <summary>One answer of the coordinator's <c>/health</c>: HTTP status and the JSON body.</summary>
internal sealed record HealthReading(HttpStatusCode Code, JsonObject Body)
{
    public string? Status => (string?)Body["status"];

    public string? Metadata => (string?)Body["metadata"];

    public string? RingSource => (string?)Body["ring_source"];

    /// <summary>Ring members the coordinator's health probe sees UP (its own liveness view, no database read).</summary>
    public int? MembersUp => (int?)Body["ring_members_up"];

    public override string ToString() => $"{(int)Code} {Body.ToJsonString()}";
}

/// <summary>The coordinator's <c>/health</c> (loopback, insecure test cluster: no credentials).</summary>
internal sealed class CoordinatorHealth(int httpPort) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };

    public async Task<HealthReading> ReadAsync()
    {
        using var response = await _http.GetAsync("/health");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject ?? [];
        return new HealthReading(response.StatusCode, body);
    }

    /// <summary>Waits until /health satisfies <paramref name="condition"/>; returns that reading.</summary>
    public async Task<HealthReading> WaitForAsync(Func<HealthReading, bool> condition, string waitingFor, TimeSpan timeout)
    {
        HealthReading? last = null;
        await Topology.Harness.Until.DoneAsync(async () =>
        {
            last = await ReadAsync();
            return (condition(last), last.ToString());
        }, waitingFor, timeout);
        return last!;
    }

    public void Dispose() => _http.Dispose();
}
