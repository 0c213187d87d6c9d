using System.Net;
using System.Text.Json;
using PairDb.Client.Tooling;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;

namespace PairDb.StorageNode.Tests.EndToEnd;

/// <summary>The engine settings under <c>PairDb:StorageNode:Engine</c> on a real process: validated before any port is bound, and honoured.</summary>
[NonParallelizable]
public sealed class EngineConfigurationProcessTests
{
    [Test]
    public void Start_InvalidPoolQueueSize_ExitsNamingTheKey()
    {
        using var directory = TestDirectory.Create();

        var error = Assert.ThrowsAsync<HostStartException>(async () => await StorageNodeProcess.StartAsync(directory.Path, new Dictionary<string, string>
        {
            ["PairDb:StorageNode:Engine:WorkerPools:FlushPool:QueueSize"] = "0",
        }));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.Contain("exited with code 1"));
            Assert.That(error.Message, Does.Contain("PairDb:StorageNode:Engine:WorkerPools:FlushPool:QueueSize"));
        });
    }

    [Test]
    public async Task Start_CacheDisabled_HealthReportsNullCacheAndCacheEndpointsConflict()
    {
        using var directory = TestDirectory.Create();
        await using var node = await StorageNodeProcess.StartAsync(directory.Path, new Dictionary<string, string>
        {
            ["PairDb:StorageNode:Engine:Cache:CapacityBytes"] = "0",
            ["PairDb:StorageNode:Engine:WorkerPools:StreamingPool:MaxWorkers"] = "3",
        });

        var health = await node.GetJsonAsync("/health");
        using var stats = await node.Http.GetAsync("/api/v1/cache/stats");
        using var content = new StringContent("""{"target_size_mb": 512}""", System.Text.Encoding.UTF8, "application/json");
        using var reduce = await node.Http.PostAsync("/api/v1/cache/reduce", content);
        var reduceBody = JsonDocument.Parse(await reduce.Content.ReadAsStringAsync()).RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(health.GetProperty("cache_status").ValueKind, Is.EqualTo(JsonValueKind.Null), "no cache: nothing invented");
            Assert.That(health.GetProperty("metrics").GetProperty("cache_hit_rate").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(health.GetProperty("worker_pools").GetProperty("streaming_pool").GetProperty("utilization_percent").GetDouble(), Is.Zero);
            Assert.That(stats.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(reduce.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(reduceBody.GetProperty("error").GetString(), Does.Contain("Cache:CapacityBytes"));
            Assert.That(node.ReadLog(), Does.Contain("\"StreamingPool\":{\"MaxWorkers\":3"), "effective options logged");
        });
    }
}
