using System.Net;
using System.Text;
using System.Text.Json;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Tests.Support;

namespace PairDb.Coordinator.Tests.Api;

/// <summary>The admin HTTP API (runbook 3.1, 3.4), health, metrics and gRPC reflection, against a real coordinator.</summary>
public sealed class AdminHttpTests
{
    private MetadataDatabase _database = null!;
    private InProcessCoordinator _coordinator = null!;

    private HttpClient Http => _coordinator.Http;

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

    /// <summary>Every test starts from an empty cluster (one coordinator start per fixture keeps the suite fast).</summary>
    [SetUp]
    public Task ResetAsync() => _coordinator.ResetAsync(_database);

    [Test]
    public async Task Register_RunbookCurlBodyAsFormContentType_CreatedAndListed()
    {
        // Exactly what `curl -X POST -d '{...}'` sends: JSON labelled application/x-www-form-urlencoded.
        const string body = """
            {
                "node_id": "storage-node-new",
                "host": "storage-node-new.default.svc.cluster.local",
                "port": 8080,
                "capacity_gb": 1000
              }
            """;
        using var response = await Http.PostAsync("/api/v1/nodes/register",
            new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());

        await Eventually.WaitAsync(() => Task.FromResult(RingNodeOrNull("storage-node-new")?.State == "NORMAL"),
            "the first node's bootstrap to complete (nothing to stream)");
        using var list = JsonDocument.Parse(await Http.GetStringAsync("/api/v1/nodes"));
        var node = list.RootElement.GetProperty("nodes").EnumerateArray()
            .Single(n => n.GetProperty("node_id").GetString() == "storage-node-new");
        Assert.That(node.GetProperty("state").GetString(), Is.EqualTo("NORMAL"));
        Assert.That(node.GetProperty("capacity_gb").GetInt32(), Is.EqualTo(1000));
        Assert.That(node.GetProperty("grpc_port").GetInt32(), Is.EqualTo(8080));
    }

    [Test]
    public async Task Register_MalformedJson_400WithCode1000()
    {
        using var response = await Http.PostAsync("/api/v1/nodes/register", new StringContent("{not json", Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        await AssertErrorCodeAsync(response, 1000, "INVALID_ARGUMENT");
    }

    [Test]
    public async Task Register_Duplicate_409WithCode1000()
    {
        await RegisterAsync("storage-node-1", 1);
        using var response = await Http.PostAsync("/api/v1/nodes/register",
            Json("""{"node_id": "storage-node-1", "host": "127.0.1.99", "port": 8001}"""));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        await AssertErrorCodeAsync(response, 1000, "INVALID_ARGUMENT");
    }

    [Test]
    public async Task DrainAndUndrain_KnownNode_FlagFollowsInTableAndRing()
    {
        await RegisterAsync("storage-node-1", 1);
        using (var drained = await Http.PostAsync("/api/v1/nodes/storage-node-1/drain", null))
        {
            Assert.That(drained.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        Assert.That(await _database.ScalarAsync<bool>("SELECT draining FROM storage_nodes WHERE node_id='storage-node-1'"), Is.True);
        Assert.That(RingNode("storage-node-1").Draining, Is.True);

        using (var undrained = await Http.PostAsync("/api/v1/nodes/storage-node-1/undrain", null))
        {
            using var json = JsonDocument.Parse(await undrained.Content.ReadAsStringAsync());
            Assert.That(json.RootElement.GetProperty("node").GetProperty("draining").GetBoolean(), Is.False);
        }
        Assert.That(RingNode("storage-node-1").Draining, Is.False);
    }

    [Test]
    public async Task Drain_UnknownNode_404()
    {
        using var response = await Http.PostAsync("/api/v1/nodes/storage-node-9/drain", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        await AssertErrorCodeAsync(response, 1000, "INVALID_ARGUMENT");
    }

    [Test]
    public async Task Delete_BelowNWithoutForce_409ThenWithForce_Removed()
    {
        await RegisterAsync("storage-node-1", 1);
        using (var refused = await Http.DeleteAsync("/api/v1/nodes/storage-node-1"))
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        }
        using (var forced = await Http.DeleteAsync("/api/v1/nodes/storage-node-1?force=true"))
        {
            Assert.That(forced.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        // The last node leaving gives its ranges to nobody: nothing streams, the decommission completes at once.
        await Eventually.WaitAsync(() => Task.FromResult(RingNodeOrNull("storage-node-1") is null), "the forced decommission to remove storage-node-1");
        using var list = JsonDocument.Parse(await Http.GetStringAsync("/api/v1/nodes"));
        Assert.That(list.RootElement.GetProperty("nodes").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task Health_MetadataReachable_200WithStatus()
    {
        using var response = await Http.GetAsync("/health");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(json.RootElement.GetProperty("metadata").GetString(), Is.EqualTo("ok"));
        Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("degraded"), "no storage node is up yet");
        var hints = json.RootElement.GetProperty("hints");
        Assert.That(hints.GetProperty("spooled").GetInt64(), Is.Zero);
        Assert.That(hints.GetProperty("spool_capacity_bytes").GetInt64(), Is.EqualTo(new Options.HintOptions().SpoolMaxBytes));
        Assert.That(hints.GetProperty("spooled_by_target").EnumerateObject(), Is.Empty);
        Assert.That((await Http.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Metrics_AfterRegistering_ExportsStorageNodeGauges()
    {
        await RegisterAsync("storage-node-1", 1);
        var text = await Http.GetStringAsync("/metrics");
        Assert.That(text, Does.Contain("storage_nodes"));
        Assert.That(text, Does.Contain("ring_version"));
        Assert.That(text, Does.Contain("hints_spooled").And.Contain("hint_spool_bytes").And.Contain("hint_spool_full_total"), "the spool's instruments exist from start-up");
    }

    [Test]
    public async Task GrpcPort_ReflectionAndHealth_ListServicesAndServe()
    {
        var reflection = new ServerReflection.ServerReflectionClient(_coordinator.Channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.That(await call.ResponseStream.MoveNext(CancellationToken.None), Is.True);
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.That(services, Does.Contain("pairdb.CoordinatorService"));
        Assert.That(services, Does.Contain("grpc.health.v1.Health"));

        var health = await new Grpc.Health.V1.Health.HealthClient(_coordinator.Channel).CheckAsync(new HealthCheckRequest());
        Assert.That(health.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
    }

    private RingNode? RingNodeOrNull(string nodeId) =>
        _coordinator.Get<RingProvider>().Current.TryGetNode(nodeId, out var node) ? node : null;

    private RingNode RingNode(string nodeId)
    {
        Assert.That(_coordinator.Get<RingProvider>().Current.TryGetNode(nodeId, out var node), Is.True);
        return node;
    }

    /// <summary>Registers a node of an empty cluster and waits for its bootstrap (nothing to stream) to make it NORMAL.</summary>
    private async Task RegisterAsync(string nodeId, int host)
    {
        using var response = await Http.PostAsync("/api/v1/nodes/register",
            Json($$"""{"node_id": "{{nodeId}}", "host": "127.0.1.{{host}}", "port": 8001}"""));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        await Eventually.WaitAsync(() => Task.FromResult(RingNodeOrNull(nodeId)?.State == "NORMAL"), $"{nodeId}'s bootstrap to complete");
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task AssertErrorCodeAsync(HttpResponseMessage response, int code, string reason)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.That(error.GetProperty("code").GetInt32(), Is.EqualTo(code));
        Assert.That(error.GetProperty("reason").GetString(), Is.EqualTo(reason));
    }
}
