using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using PairDb.Coordinator.Tests.Support;
using PairDb.Hosting.Security;

namespace PairDb.Coordinator.Tests.Api;

/// <summary>The tenant API key routes (README "Security") on a real coordinator in insecure mode.</summary>
public sealed class TenantKeysHttpTests
{
    private MetadataDatabase _database = null!;
    private InProcessCoordinator _coordinator = null!;

    private HttpClient Http => _coordinator.Http;

    private ITenantKeyVerifier Verifier => _coordinator.Get<ITenantKeyVerifier>();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _database = await MetadataDatabase.CreateAsync();
        _coordinator = await InProcessCoordinator.StartAsync(_database.ConnectionString);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _coordinator.DisposeAsync();
        await _database.DisposeAsync();
    }

    [SetUp]
    public Task EmptyAsync() => _database.ScalarAsync<object>("TRUNCATE api_keys");

    [Test]
    public async Task Post_NoBody_201WithAKeyTheCoordinatorAccepts()
    {
        using var response = await Http.PostAsync("/api/v1/tenants/t1/keys", content: null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);

        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.That(root.GetProperty("tenant").GetString(), Is.EqualTo("t1"));
        var keyId = root.GetProperty("key_id").GetString()!;
        var apiKey = root.GetProperty("api_key").GetString()!;
        Assert.That(apiKey, Does.StartWith($"pdb_{keyId}_"));
        Assert.That(root.GetProperty("expires_at").ValueKind, Is.EqualTo(JsonValueKind.Null), "never expires, said explicitly");
        var match = await Verifier.VerifyAsync(apiKey, CancellationToken.None);
        Assert.That(match, Is.EqualTo(new TenantKeyMatch("t1", keyId)));
    }

    [Test]
    public async Task Post_ExpiresInDays_AsRunbookCurlSendsIt_ExpiresThatManyDaysLater()
    {
        using var response = await Http.PostAsync("/api/v1/tenants/t1/keys",
            new StringContent("""{"expires_in_days": 30}""", Encoding.UTF8, "application/x-www-form-urlencoded"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);

        using var json = JsonDocument.Parse(text);
        var created = json.RootElement.GetProperty("created_at").GetDateTimeOffset();
        Assert.That(json.RootElement.GetProperty("expires_at").GetDateTimeOffset(), Is.EqualTo(created.AddDays(30)));
    }

    [TestCase("""{"expires_in_days": 0}""", 1000, "INVALID_ARGUMENT")]
    [TestCase("""{"expires_in_days": "x"}""", 1000, "INVALID_ARGUMENT")]
    [TestCase("{not json", 1000, "INVALID_ARGUMENT")]
    public async Task Post_BadBody_400WithCode(string body, int code, string reason)
    {
        using var response = await Http.PostAsync("/api/v1/tenants/t1/keys", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        await AssertErrorCodeAsync(response, code, reason);
        Assert.That(await _database.ScalarAsync<long>("SELECT count(*) FROM api_keys"), Is.Zero, "nothing created");
    }

    [Test]
    public async Task Post_InvalidTenant_400WithCode1004()
    {
        using var response = await Http.PostAsync("/api/v1/tenants/bad%20tenant/keys", content: null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        await AssertErrorCodeAsync(response, 1004, "INVALID_TENANT_ID");
    }

    [Test]
    public async Task Get_ListsTenantsAndKeysWithTimes_NeverTheKeys()
    {
        var first = await CreateAsync("t1");
        var second = await CreateAsync("t2");

        var text = await Http.GetStringAsync("/api/v1/tenants");

        using var json = JsonDocument.Parse(text);
        var tenants = json.RootElement.GetProperty("tenants").EnumerateArray().ToList();
        Assert.That(tenants.Select(t => t.GetProperty("tenant").GetString()), Is.EqualTo(new[] { "t1", "t2" }));
        var key = tenants[0].GetProperty("keys").EnumerateArray().Single();
        Assert.That(key.GetProperty("key_id").GetString(), Is.EqualTo(first.KeyId));
        Assert.That(key.GetProperty("created_at").ValueKind, Is.EqualTo(JsonValueKind.String));
        Assert.That(key.GetProperty("expires_at").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(key.GetProperty("revoked_at").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(text, Does.Not.Contain("api_key").And.Not.Contain(first.Secret).And.Not.Contain(second.Secret));
    }

    [Test]
    public async Task DeleteOne_RevokesThatKeyAtOnceOnThisCoordinator_OtherKeyStillWorks()
    {
        var revoked = await CreateAsync("t1");
        var kept = await CreateAsync("t1");
        Assert.That(await Verifier.VerifyAsync(revoked.ApiKey, CancellationToken.None), Is.Not.Null, "cached before the revocation");

        using var response = await Http.DeleteAsync($"/api/v1/tenants/t1/keys/{revoked.KeyId}");
        var text = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        using var json = JsonDocument.Parse(text);
        Assert.That(json.RootElement.GetProperty("revoked").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { revoked.KeyId }));
        Assert.That(await Verifier.VerifyAsync(revoked.ApiKey, CancellationToken.None), Is.Null, "refused without waiting for a refresh");
        Assert.That(await Verifier.VerifyAsync(kept.ApiKey, CancellationToken.None), Is.Not.Null);
        using var list = JsonDocument.Parse(await Http.GetStringAsync("/api/v1/tenants"));
        var revokedAt = list.RootElement.GetProperty("tenants")[0].GetProperty("keys").EnumerateArray()
            .Single(k => k.GetProperty("key_id").GetString() == revoked.KeyId).GetProperty("revoked_at");
        Assert.That(revokedAt.ValueKind, Is.EqualTo(JsonValueKind.String));
    }

    [Test]
    public async Task DeleteAll_RevokesEveryKeyOfTheTenant()
    {
        var first = await CreateAsync("t1");
        var second = await CreateAsync("t1");
        var other = await CreateAsync("t2");

        using var response = await Http.DeleteAsync("/api/v1/tenants/t1/keys");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(await Verifier.VerifyAsync(first.ApiKey, CancellationToken.None), Is.Null);
        Assert.That(await Verifier.VerifyAsync(second.ApiKey, CancellationToken.None), Is.Null);
        Assert.That(await Verifier.VerifyAsync(other.ApiKey, CancellationToken.None), Is.Not.Null);
    }

    [TestCase("/api/v1/tenants/t1/keys/0123456789abcdef", 404, 1000)]
    [TestCase("/api/v1/tenants/nobody/keys", 404, 1000)]
    [TestCase("/api/v1/tenants/t1/keys/NOT-A-KEY-ID", 400, 1000)]
    [TestCase("/api/v1/tenants/bad%20tenant/keys", 400, 1004)]
    public async Task Delete_UnknownOrMalformed_ErrorWithCode(string path, int status, int code)
    {
        await CreateAsync("t1");

        using var response = await Http.DeleteAsync(path);

        Assert.That((int)response.StatusCode, Is.EqualTo(status));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(json.RootElement.GetProperty("error").GetProperty("code").GetInt32(), Is.EqualTo(code));
        Assert.That(await _database.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL"), Is.Zero, "nothing revoked");
    }

    [Test]
    public void Routes_EachRequireTheOperatorPolicy()
    {
        var endpoints = _coordinator.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/tenants", StringComparison.Ordinal) == true)
            .ToList();

        Assert.That(endpoints, Has.Count.EqualTo(4));
        foreach (var endpoint in endpoints)
        {
            var policies = endpoint.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Select(a => a.Policy);
            Assert.That(policies, Is.EqualTo(new[] { PairDbPolicies.Operator }), endpoint.DisplayName);
        }
    }

    private async Task<Created> CreateAsync(string tenant)
    {
        using var response = await Http.PostAsync($"/api/v1/tenants/{tenant}/keys", content: null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var apiKey = json.RootElement.GetProperty("api_key").GetString()!;
        return new Created(json.RootElement.GetProperty("key_id").GetString()!, apiKey, apiKey[21..]);
    }

    private static async Task AssertErrorCodeAsync(HttpResponseMessage response, int code, string reason)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.That(error.GetProperty("code").GetInt32(), Is.EqualTo(code));
        Assert.That(error.GetProperty("reason").GetString(), Is.EqualTo(reason));
    }

    private sealed record Created(string KeyId, string ApiKey, string Secret);
}
