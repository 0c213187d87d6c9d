using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using PairDb.Contracts.Errors;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;
using static PairDb.StorageNode.Tests.Testing.Versions;

namespace PairDb.StorageNode.Tests.EndToEnd;

/// <summary>The HTTP admin API, /health, /metrics and grpc.health.v1 of a real node process.</summary>
[NonParallelizable]
public sealed class AdminApiTests
{
    private TestDirectory _directory = null!;
    private StorageNodeProcess _node = null!;

    [OneTimeSetUp]
    public async Task StartNode()
    {
        _directory = TestDirectory.Create(nameof(AdminApiTests));
        _node = await StorageNodeProcess.StartAsync(_directory.Path, new Dictionary<string, string>
        {
            ["PairDb:StorageNode:Engine:CommitLogSegmentBytes"] = "65536",
        });
    }

    [OneTimeTearDown]
    public async Task StopNode()
    {
        await _node.DisposeAsync();
        _directory.Dispose();
    }

    [Test]
    public async Task Health_Always_HasRunbookShape()
    {
        await _node.Client.CoordinatedWriteAsync(Write("t1", "k-health", "v"));
        await _node.Client.ReadAsync(Read("t1", "k-health"));

        var health = await _node.GetJsonAsync("/health");
        var identity = await _node.GetJsonAsync("/api/v1/identity");

        Assert.Multiple(() =>
        {
            Assert.That(health.GetProperty("status").GetString(), Is.EqualTo("healthy"));
            Assert.That(health.GetProperty("incarnation").GetString(), Is.EqualTo(identity.GetProperty("incarnation").GetString()));
            Assert.That(identity.GetProperty("actor").GetString(), Is.EqualTo(identity.GetProperty("node_id").GetString() + "@" + identity.GetProperty("incarnation").GetString()));
            var disk = health.GetProperty("disk_status");
            Assert.That(disk.GetProperty("status").GetString(), Is.EqualTo("ok"));
            Assert.That(disk.GetProperty("usage_percent").GetDouble(), Is.InRange(0.0, 100.0));
            Assert.That(disk.GetProperty("available_bytes").GetInt64(), Is.GreaterThan(0));
            Assert.That(disk.GetProperty("is_throttled").GetBoolean(), Is.False);
            Assert.That(disk.GetProperty("is_circuit_broken").GetBoolean(), Is.False);
            Assert.That(health.GetProperty("disk_usage_percent").GetDouble(), Is.EqualTo(disk.GetProperty("usage_percent").GetDouble()));
            Assert.That(health.GetProperty("memtable_status").GetProperty("entry_count").GetInt64(), Is.GreaterThanOrEqualTo(1));
            Assert.That(health.GetProperty("memtable_status").GetProperty("size_bytes").GetInt64(), Is.GreaterThan(0));
            var cache = health.GetProperty("cache_status");
            Assert.That(cache.GetProperty("size_bytes").GetInt64(), Is.GreaterThanOrEqualTo(0));
            Assert.That(cache.GetProperty("utilization_percent").GetDouble(), Is.InRange(0.0, 100.0));
            Assert.That(cache.GetProperty("hit_rate").GetDouble(), Is.InRange(0.0, 1.0));
            var pools = health.GetProperty("worker_pools");
            foreach (var pool in new[] { "flush_pool", "compaction_pool", "streaming_pool" })
            {
                Assert.That(pools.GetProperty(pool).GetProperty("active_workers").GetInt32(), Is.GreaterThanOrEqualTo(0), pool);
                Assert.That(pools.GetProperty(pool).GetProperty("queued_tasks").GetInt32(), Is.GreaterThanOrEqualTo(0), pool);
                Assert.That(pools.GetProperty(pool).GetProperty("utilization_percent").GetDouble(), Is.InRange(0.0, 100.0), pool);
            }

            Assert.That(health.GetProperty("metrics").GetProperty("cache_hit_rate").ValueKind, Is.EqualTo(JsonValueKind.Number));
            var metrics = health.GetProperty("metrics");
            foreach (var name in new[] { "write_qps", "read_qps", "cache_hit_rate", "p99_write_latency_ms", "p99_read_latency_ms" })
            {
                Assert.That(metrics.TryGetProperty(name, out _), Is.True, name);
            }

            Assert.That(metrics.GetProperty("p99_write_latency_ms").GetDouble(), Is.GreaterThan(0));
            Assert.That(health.GetProperty("needs_repair").GetBoolean(), Is.False);
        });
    }

    [Test]
    public async Task Metrics_AfterTraffic_ExposeRunbookNames()
    {
        await _node.Client.CoordinatedWriteAsync(Write("t1", "k-metrics", "v"));
        await _node.Client.ReadAsync(Read("t1", "k-metrics"));

        var text = await _node.Http.GetStringAsync("/metrics");
        var api = await _node.Http.GetStringAsync("/api/v1/metrics");

        string[] names =
        [
            "write_requests_total{", "write_duration_seconds_bucket{", "read_requests_total{", "read_duration_seconds_bucket{",
            "validation_duration_seconds_bucket{", "checksum_failures_total{", "corrupted_entries_total{", "data_recovery_operations_total{",
            "commitlog_segments_active{", "disk_usage_percent{", "disk_available_bytes{", "disk_throttle_events_total{",
            "disk_circuit_breaker_events_total{", "disk_full_rejections_total{", "cache_hits_total{", "cache_requests_total{",
            "compaction_running{", "compaction_bytes_reclaimed{", "worker_pool_queue_utilization_percent{",
        ];
        Assert.Multiple(() =>
        {
            foreach (var name in names)
            {
                Assert.That(text, Does.Contain(name), name);
                Assert.That(api, Does.Contain(name), "/api/v1/metrics " + name);
            }

            Assert.That(text, Does.Contain("node=\"" + StorageNodeProcess.NodeId + "\""));
            foreach (var pool in new[] { "flush_pool", "compaction_pool", "streaming_pool" })
            {
                Assert.That(text, Does.Match("worker_pool_queue_utilization_percent\\{[^}]*pool=\"" + pool + "\""), pool);
            }

            Assert.That(text, Does.Not.Contain("compaction_bytes_reclaimed_total"));
            Assert.That(text, Does.Not.Contain("write_requests_total_total"));
            Assert.That(text, Does.Not.Contain("disk_usage_percent_ratio"));
        });
    }

    [Test]
    public async Task Maintenance_Enabled_RejectsWritesWithNodeNotReadyAndServesReads()
    {
        await _node.Client.CoordinatedWriteAsync(Write("t1", "k-maint", "before"));

        var enabled = await _node.PostJsonAsync("/api/v1/maintenance/enable", """{"reason":"cleanup"}""");
        var rejected = Assert.ThrowsAsync<RpcException>(async () => await _node.Client.CoordinatedWriteAsync(Write("t1", "k-maint", "during")));
        var read = await _node.Client.ReadAsync(Read("t1", "k-maint"));
        var health = new Health.HealthClient(_node.Channel);
        var grpcHealth = await health.CheckAsync(new HealthCheckRequest());
        var ready = await _node.Http.GetAsync("/health/ready");
        await _node.PostJsonAsync("/api/v1/maintenance/disable");
        await _node.Client.CoordinatedWriteAsync(Write("t1", "k-maint", "after", Parse(read.Versions)));
        var servingAgain = await health.CheckAsync(new HealthCheckRequest());

        Assert.Multiple(() =>
        {
            Assert.That(enabled.GetProperty("maintenance").GetBoolean(), Is.True);
            Assert.That(rejected!.GetErrorCode(), Is.EqualTo(ErrorCode.NodeNotReady));
            Assert.That(rejected.StatusCode, Is.EqualTo(StatusCode.Unavailable));
            Assert.That(LiveValues(Parse(read.Versions)), Is.EqualTo(new[] { "before" }));
            Assert.That(grpcHealth.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.NotServing));
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(servingAgain.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
        });
    }

    [Test]
    public async Task CommitLogForceCleanup_AfterSegmentsRoll_DeletesFlushedSegments()
    {
        var value = new string('x', 8000);
        for (var i = 0; i < 20; i++)
        {
            await _node.Client.CoordinatedWriteAsync(Write("t1", "k-roll-" + i, value));
        }

        var before = await _node.GetJsonAsync("/api/v1/commitlog/cleanable-segments");
        var cleaned = await _node.PostJsonAsync("/api/v1/commitlog/force-cleanup");
        var after = await _node.GetJsonAsync("/api/v1/commitlog/cleanable-segments");
        var levels = await _node.GetJsonAsync("/api/v1/sstables/count-by-level");
        var read = await _node.Client.ReadAsync(Read("t1", "k-roll-0"));

        Assert.Multiple(() =>
        {
            Assert.That(before.GetProperty("count").GetInt32(), Is.Zero, "nothing flushed yet, so no segment is cleanable");
            Assert.That(cleaned.GetProperty("segments_deleted").GetInt32(), Is.GreaterThanOrEqualTo(2));
            Assert.That(after.GetProperty("count").GetInt32(), Is.Zero);
            Assert.That(levels.GetProperty("levels").GetProperty("L0").GetInt32(), Is.GreaterThanOrEqualTo(1));
            Assert.That(LiveValues(Parse(read.Versions)), Is.EqualTo(new[] { value }), "data survives the cleanup in the SSTable");
        });
    }

    [Test]
    public async Task DiskThresholds_Preset_AppliesAndReverts()
    {
        var conservative = await _node.PostJsonAsync("/api/v1/disk/thresholds", """{"preset":"conservative"}""");
        var custom = await _node.PostJsonAsync("/api/v1/disk/thresholds", """{"throttle_threshold":82}""");
        var reverted = await _node.Http.DeleteAsync("/api/v1/disk/thresholds");
        var status = await _node.GetJsonAsync("/api/v1/disk/status");

        Assert.Multiple(() =>
        {
            Assert.That(conservative.GetProperty("warning_threshold").GetDouble(), Is.EqualTo(70));
            Assert.That(conservative.GetProperty("throttle_threshold").GetDouble(), Is.EqualTo(80));
            Assert.That(conservative.GetProperty("circuit_breaker_threshold").GetDouble(), Is.EqualTo(85));
            Assert.That(custom.GetProperty("throttle_threshold").GetDouble(), Is.EqualTo(82));
            Assert.That(custom.GetProperty("circuit_breaker_threshold").GetDouble(), Is.EqualTo(85));
            Assert.That(reverted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(status.GetProperty("thresholds").GetProperty("throttle_threshold").GetDouble(), Is.EqualTo(90));
            Assert.That(status.GetProperty("thresholds").GetProperty("source").GetString(), Is.EqualTo("configuration"));
        });
    }

    [TestCase("/api/v1/disk/thresholds", "{not json")]
    [TestCase("/api/v1/disk/thresholds", """{"preset":"reckless"}""")]
    [TestCase("/api/v1/disk/thresholds", """{"warning_threshold":99,"throttle_threshold":50}""")]
    [TestCase("/api/v1/disk/thresholds", "")]
    [TestCase("/api/v1/maintenance/enable", "[1,2")]
    [TestCase("/api/v1/integrity/verify-ranges", """{"key_ranges":[{"start_token":"-1","end_token":"5"}]}""")]
    [TestCase("/api/v1/integrity/verify-ranges", """{"key_ranges":[]}""")]
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

    [Test]
    public async Task VerifyRanges_DigestsFromRangeDigest_SuccessThenMismatch()
    {
        await _node.Client.CoordinatedWriteAsync(Write("t1", "k-verify", "v"));
        var digest = await _node.Client.RangeDigestAsync(new Contracts.Grpc.RangeDigestRequest { StartToken = 0, EndToken = 0 });
        var good = $$"""{"key_ranges":[{"start_token":"0","end_token":"0","expected_key_count":{{digest.KeyCount}},"expected_digest":"{{digest.Digest}}"}]}""";
        var bad = $$"""{"key_ranges":[{"start_token":"0","end_token":"0","expected_digest":"{{unchecked(digest.Digest + 1)}}"}]}""";

        var success = await _node.PostJsonAsync("/api/v1/integrity/verify-ranges", good);
        var mismatch = await _node.PostJsonAsync("/api/v1/integrity/verify-ranges", bad);

        Assert.Multiple(() =>
        {
            Assert.That(success.GetProperty("status").GetString(), Is.EqualTo("success"));
            Assert.That(success.GetProperty("ranges_verified").GetInt32(), Is.EqualTo(1));
            Assert.That(success.GetProperty("checksum_mismatches").GetInt32(), Is.Zero);
            Assert.That(mismatch.GetProperty("status").GetString(), Is.EqualTo("mismatch"));
            Assert.That(mismatch.GetProperty("checksum_mismatches").GetInt32(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task ValidationConfig_Get_ShowsLimits()
    {
        var config = await _node.GetJsonAsync("/api/v1/validation/config");

        Assert.Multiple(() =>
        {
            Assert.That(config.GetProperty("max_key_bytes").GetInt32(), Is.EqualTo(1024));
            Assert.That(config.GetProperty("max_value_bytes").GetInt32(), Is.EqualTo(1024 * 1024));
        });
    }

    [Test]
    public async Task AdminPort_GrpcCall_NotServed()
    {
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{_node.HttpPort}");
        var client = new Contracts.Grpc.StorageService.StorageServiceClient(channel);

        var error = Assert.ThrowsAsync<RpcException>(async () => await client.ReadAsync(Read("t1", "k")));

        Assert.That(error!.StatusCode, Is.Not.EqualTo(StatusCode.OK));
        await Task.CompletedTask;
    }

    [Test]
    public async Task GrpcPort_PlainHttpHealth_AnswersLikeTheAdminPort()
    {
        // Runbook 5.4: curl http://<node-host>:8001/health, on the port grpcurl also uses.
        using var http = new HttpClient();
        using var reply = await http.GetAsync($"http://127.0.0.1:{_node.GrpcPort}/health");
        var body = JsonDocument.Parse(await reply.Content.ReadAsStringAsync()).RootElement;

        Assert.That(reply.Version, Is.EqualTo(HttpVersion.Version11));
        Assert.That(body.GetProperty("status").GetString(), Is.Not.Empty);
        Assert.That((await _node.Client.ReadAsync(Read("t1", "k-same-port"))).Found, Is.False, "gRPC still answers on the same port");
    }
}
