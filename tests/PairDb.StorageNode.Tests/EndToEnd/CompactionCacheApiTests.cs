using System.Net;
using System.Text.Json;
using PairDb.Contracts.Versioning;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;
using static PairDb.StorageNode.Tests.Testing.Versions;

namespace PairDb.StorageNode.Tests.EndToEnd;

/// <summary>
/// Manual compaction (runbook 1.2, 1.4, 6.4) and the block cache endpoints of a real node process. Automatic
/// compaction is off so that each test controls the tables it compacts.
/// </summary>
[NonParallelizable]
public sealed class CompactionCacheApiTests
{
    private const long CacheBytes = 8L << 20;
    private readonly Dictionary<string, SiblingSet> _last = new(StringComparer.Ordinal);
    private TestDirectory _directory = null!;
    private StorageNodeProcess _node = null!;

    [OneTimeSetUp]
    public async Task StartNode()
    {
        _directory = TestDirectory.Create(nameof(CompactionCacheApiTests));
        _node = await StorageNodeProcess.StartAsync(_directory.Path, new Dictionary<string, string>
        {
            ["PairDb:StorageNode:Engine:CommitLogSegmentBytes"] = "65536",
            ["PairDb:StorageNode:Engine:Compaction:Automatic"] = "false",
            ["PairDb:StorageNode:Engine:Cache:CapacityBytes"] = CacheBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PairDb:StorageNode:Engine:WorkerPools:FlushPool:MaxWorkers"] = "2",
            ["PairDb:StorageNode:Engine:WorkerPools:CompactionPool:QueueSize"] = "20",
        });
    }

    [OneTimeTearDown]
    public async Task StopNode()
    {
        await _node.DisposeAsync();
        _directory.Dispose();
    }

    [Test]
    public async Task CompactAll_OverwrittenKeysInTwoTables_MergesIntoOneLevelAndReclaimsBytes()
    {
        await WriteTableAsync("ca", 20, "first");
        await WriteTableAsync("ca", 20, "second");
        var levelsBefore = await _node.GetJsonAsync("/api/v1/sstables/count-by-level");

        var compacted = await _node.PostJsonAsync("/api/v1/compaction/compact-all");
        var levelsAfter = await _node.GetJsonAsync("/api/v1/sstables/count-by-level");
        var read = await _node.Client.ReadAsync(Read("t1", "ca-7"));
        var status = await _node.GetJsonAsync("/api/v1/compaction/status");
        var metrics = await _node.Http.GetStringAsync("/metrics");

        var result = compacted.GetProperty("result");
        Assert.Multiple(() =>
        {
            Assert.That(levelsBefore.GetProperty("levels").GetProperty("L0").GetInt32(), Is.GreaterThanOrEqualTo(2));
            Assert.That(compacted.GetProperty("operation").GetString(), Is.EqualTo("compaction/compact-all"));
            Assert.That(compacted.GetProperty("state").GetString(), Is.EqualTo("completed"));
            Assert.That(result.GetProperty("jobs_completed").GetInt32(), Is.EqualTo(1));
            Assert.That(result.GetProperty("bytes_reclaimed").GetInt64(), Is.GreaterThan(20 * 2000), "the 20 first values are gone");
            Assert.That(result.GetProperty("disk_status").GetString(), Is.EqualTo("ok"));
            Assert.That(levelsAfter.GetProperty("levels").GetProperty("L0").GetInt32(), Is.Zero);
            Assert.That(levelsAfter.GetProperty("total").GetInt32(), Is.GreaterThanOrEqualTo(1));
            Assert.That(LiveValues(Parse(read.Versions)), Is.EqualTo(new[] { Value("second") }));
            Assert.That(status.GetProperty("running").GetBoolean(), Is.False);
            Assert.That(status.GetProperty("bytes_reclaimed").GetInt64(), Is.GreaterThan(0));
            Assert.That(ManualStates(status), Does.Contain("compaction/compact-all=completed"));
            Assert.That(metrics, Does.Match("compaction_bytes_reclaimed\\{[^}]*\\} [1-9]"));
            Assert.That(metrics, Does.Match("compaction_running\\{[^}]*\\} 0"));
        });
    }

    [TestCase("trigger")]
    [TestCase("trigger-all-levels")]
    [TestCase("emergency")]
    public async Task CompactionRun_L0Tables_CompletesAndEmptiesL0(string operation)
    {
        await WriteTableAsync("run-" + operation, 10, "a");
        await WriteTableAsync("run-" + operation, 10, "b");

        var response = await _node.PostJsonAsync("/api/v1/compaction/" + operation);
        var levels = await _node.GetJsonAsync("/api/v1/sstables/count-by-level");
        var status = await _node.GetJsonAsync("/api/v1/compaction/status");
        var read = await _node.Client.ReadAsync(Read("t1", "run-" + operation + "-3"));

        Assert.Multiple(() =>
        {
            Assert.That(response.GetProperty("state").GetString(), Is.EqualTo("completed"));
            Assert.That(response.GetProperty("result").GetProperty("jobs_completed").GetInt32(), Is.GreaterThanOrEqualTo(1));
            Assert.That(response.GetProperty("result").GetProperty("jobs")[0].GetProperty("level").GetString(), Does.StartWith("L0->"));
            Assert.That(levels.GetProperty("levels").GetProperty("L0").GetInt32(), Is.Zero, "an L0 compaction takes every L0 table");
            Assert.That(status.GetProperty("emergency_mode").GetBoolean(), Is.False, "emergency mode ends with the request");
            Assert.That(status.GetProperty("levels")[0].GetProperty("level").GetString(), Is.EqualTo("L0"));
            Assert.That(LiveValues(Parse(read.Versions)), Is.EqualTo(new[] { Value("b") }));
        });
    }

    [Test]
    public async Task CompactAll_WaitFalse_AnswersAcceptedAndStatusShowsCompletion()
    {
        await WriteTableAsync("nowait", 10, "x");
        using var content = new StringContent("", System.Text.Encoding.UTF8, "application/json");

        using var response = await _node.Http.PostAsync("/api/v1/compaction/compact-all?wait=false", content);
        var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var status = await WaitForAsync(
            () => _node.GetJsonAsync("/api/v1/compaction/status"),
            s => ManualStates(s).Contains("compaction/compact-all=completed") && !s.GetProperty("running").GetBoolean(),
            "compaction/status to show compaction/compact-all completed");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(accepted.GetProperty("operation").GetString(), Is.EqualTo("compaction/compact-all"));
            Assert.That(accepted.GetProperty("state").GetString(), Is.AnyOf("running", "completed"));
            Assert.That(status.GetProperty("levels")[0].GetProperty("table_count").GetInt32(), Is.Zero);
        });
    }

    [Test]
    public async Task CacheReduce_ThenRestore_ShrinksThenRestoresCapacity()
    {
        await WriteTableAsync("cache", 30, "v");
        for (var i = 0; i < 30; i++)
        {
            await _node.Client.ReadAsync(Read("t1", "cache-" + i));
            await _node.Client.ReadAsync(Read("t1", "cache-" + i));
        }

        var stats = await _node.GetJsonAsync("/api/v1/cache/stats");
        var health = await _node.GetJsonAsync("/health");
        var reduced = await _node.PostJsonAsync("/api/v1/cache/reduce", """{"target_size_mb": 1}""");
        var restored = await _node.PostJsonAsync("/api/v1/cache/restore");
        var metrics = await _node.Http.GetStringAsync("/metrics");

        Assert.Multiple(() =>
        {
            Assert.That(stats.GetProperty("capacity_bytes").GetInt64(), Is.EqualTo(CacheBytes));
            Assert.That(stats.GetProperty("requests").GetInt64(), Is.GreaterThan(0));
            Assert.That(stats.GetProperty("hits").GetInt64(), Is.GreaterThan(0), "each block is read twice");
            Assert.That(stats.GetProperty("size_bytes").GetInt64(), Is.GreaterThan(0));
            Assert.That(stats.GetProperty("hit_rate").GetDouble(), Is.InRange(0.0, 1.0));
            Assert.That(health.GetProperty("cache_status").GetProperty("hit_rate").GetDouble(), Is.GreaterThan(0));
            Assert.That(health.GetProperty("metrics").GetProperty("cache_hit_rate").GetDouble(), Is.GreaterThan(0));
            Assert.That(reduced.GetProperty("capacity_bytes_before").GetInt64(), Is.EqualTo(CacheBytes));
            Assert.That(reduced.GetProperty("capacity_bytes").GetInt64(), Is.EqualTo(1L << 20));
            Assert.That(reduced.GetProperty("stats").GetProperty("size_bytes").GetInt64(), Is.LessThanOrEqualTo(1L << 20));
            Assert.That(restored.GetProperty("capacity_bytes").GetInt64(), Is.EqualTo(CacheBytes));
            Assert.That(metrics, Does.Match("cache_hits_total\\{[^}]*\\} [1-9]"));
            Assert.That(metrics, Does.Match("cache_requests_total\\{[^}]*\\} [1-9]"));
        });
    }

    [TestCase("/api/v1/cache/reduce", "")]
    [TestCase("/api/v1/cache/reduce", "{\"target_size_mb\": 512")]
    [TestCase("/api/v1/cache/reduce", """{"target_size_mb": "lots"}""")]
    [TestCase("/api/v1/cache/reduce", """{"target_size_mb": -1}""")]
    [TestCase("/api/v1/cache/reduce", """{"target_size_mb": 1.5}""")]
    [TestCase("/api/v1/cache/reduce", """{"size": 512}""")]
    [TestCase("/api/v1/compaction/trigger", "[1,")]
    [TestCase("/api/v1/compaction/compact-all?wait=maybe", "")]
    [TestCase("/api/v1/integrity/scan-all", "{oops")]
    public async Task AdminPost_MalformedBody_BadRequestWithJsonError(string path, string body)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");

        using var response = await _node.Http.PostAsync(path, content);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(json.RootElement.GetProperty("error").GetString(), Is.Not.Empty);
        });
    }

    private static string Value(string tag) => tag + new string('v', 2000);

    /// <summary>Writes (or overwrites, with the key's last context) <paramref name="count"/> keys, then flushes them into an L0 table.</summary>
    private async Task WriteTableAsync(string prefix, int count, string tag)
    {
        for (var i = 0; i < count; i++)
        {
            var key = prefix + "-" + i;
            var reply = await _node.Client.CoordinatedWriteAsync(Write("t1", key, Value(tag), _last.GetValueOrDefault(key)));
            _last[key] = Parse(reply.Versions);
        }

        await _node.PostJsonAsync("/api/v1/commitlog/force-cleanup");
    }

    private static List<string> ManualStates(JsonElement status)
    {
        var states = new List<string>();
        foreach (var operation in status.GetProperty("manual_operations").EnumerateArray())
        {
            states.Add(operation.GetProperty("operation").GetString() + "=" + operation.GetProperty("state").GetString());
        }

        return states;
    }

    internal static async Task<JsonElement> WaitForAsync(Func<Task<JsonElement>> get, Func<JsonElement, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var value = await get();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out after 30 s waiting for {what}; last answer {value}");
            }

            await Task.Yield();
        }
    }
}
