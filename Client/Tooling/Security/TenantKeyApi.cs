using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PairDb.Client.Tooling.Security;

/// <summary>
/// The coordinator's tenant key admin route (README "Security"): <c>POST /api/v1/tenants/{tenant}/keys</c>
/// with the operator token answers 201 with the new key, the only time it is shown.
/// </summary>
public static class TenantKeyApi
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Creates an API key for <paramref name="tenant"/> on the coordinator whose HTTP admin endpoint is <paramref name="coordinatorHttp"/>.</summary>
    public static async Task<string> CreateAsync(ClusterAccess access, Uri coordinatorHttp, string tenant, CancellationToken cancellationToken)
    {
        using var http = access.OperatorHttpClient(Timeout);
        var url = new Uri(coordinatorHttp, $"/api/v1/tenants/{Uri.EscapeDataString(tenant)}/keys");
        using var response = await http.PostAsJsonAsync(url, new Dictionary<string, object>(), cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            // An error body carries no key: it is safe to show.
            var error = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"POST {url} answered {(int)response.StatusCode} {response.ReasonPhrase}: {error}", null, response.StatusCode);
        }
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var created = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        return created.RootElement.TryGetProperty("api_key", out var key) && key.GetString() is { Length: > 0 } text
            ? text
            : throw new HttpRequestException($"POST {url} answered 201 without an api_key");
    }
}
