using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Security;

namespace PairDb.Client.Cli;

/// <summary>
/// The coordinator's HTTP admin API for one command: the context's HTTP endpoint, the operator token
/// (<c>DIR/operator.token</c>) as bearer credential when the cluster has one, and the admin API's JSON
/// error body turned back into the pairdb error it names. Every admin HTTP call of the CLI goes here.
/// </summary>
public sealed class CoordinatorAdminHttp : IDisposable
{
    private readonly HttpClient _http;

    public CoordinatorAdminHttp(CliContext context)
    {
        // The cluster's transport: TLS trusting only the cluster CA and the operator token, when the cluster is secure.
        _http = context.OperatorHttpClient();
        _http.BaseAddress = context.CoordinatorHttpEndpoint;
    }

    /// <summary>Sends the request (with <paramref name="body"/> as snake_case JSON when given) and returns the reply body of a 2xx answer.</summary>
    public async Task<string> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, body.GetType(), Output.JsonOutput.Options), Encoding.UTF8, "application/json");
        }
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? text : throw Failure(method, new Uri(_http.BaseAddress!, path), (int)response.StatusCode, text);
    }

    public void Dispose() => _http.Dispose();

    private static Exception Failure(HttpMethod method, Uri url, int status, string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var error = json.RootElement.GetProperty("error");
            return new PairDbException((ErrorCode)error.GetProperty("code").GetInt32(), error.GetProperty("message").GetString() ?? "");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new HttpRequestException($"{method} {url} answered {status}: {body}");
        }
    }
}
