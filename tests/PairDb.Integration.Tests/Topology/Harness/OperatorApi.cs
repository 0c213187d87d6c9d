using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>An HTTP answer: status and the JSON body (null when empty or not JSON).</summary>
internal sealed record HttpAnswer(HttpStatusCode Status, JsonNode? Body, string Text)
{
    public int ErrorCode => (int?)Body?["error"]?["code"] ?? 0;

    public string ErrorMessage => (string?)Body?["error"]?["message"] ?? "";

    public override string ToString() => $"{(int)Status} {Text}";
}

/// <summary>
/// The operator's curl commands of runbook 3 against one process's HTTP port. Bodies are sent the
/// way the runbook's <c>curl -X POST -d '{...}'</c> sends them: JSON labelled as a form.
/// </summary>
internal sealed class OperatorApi : IDisposable
{
    private readonly HttpClient _http;

    public OperatorApi(int httpPort)
    {
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task<HttpAnswer> PostAsync(string path, object? body = null)
    {
        using var content = new StringContent(body is null ? "" : JsonSerializer.Serialize(body), Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content);
        return await AnswerAsync(response);
    }

    public async Task<HttpAnswer> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        return await AnswerAsync(response);
    }

    public async Task<string> GetTextAsync(string path) => await _http.GetStringAsync(new Uri(path, UriKind.Relative));

    /// <summary>GET /api/v1/rebalance/status?target_node=...</summary>
    public Task<HttpAnswer> RebalanceStatusAsync(string targetNode) =>
        GetAsync("/api/v1/rebalance/status?target_node=" + Uri.EscapeDataString(targetNode));

    public void Dispose() => _http.Dispose();

    private static async Task<HttpAnswer> AnswerAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? body = null;
        if (text.Length > 0)
        {
            try
            {
                body = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Not JSON (e.g. a plain-text 404): the text is kept for the failure message.
            }
        }
        return new HttpAnswer(response.StatusCode, body, text);
    }
}
