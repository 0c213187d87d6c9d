using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Versioning;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;
using static PairDb.StorageNode.Tests.Testing.Versions;

namespace PairDb.StorageNode.Tests.EndToEnd;

/// <summary>
/// The disk manager's three states on a real node with a 200 KiB configured capacity: warning, then
/// throttled (large writes refused, small ones pass), then circuit broken (every write refused,
/// reads pass), then automatic disengage once commit-log cleanup frees space (runbook 1.2); and the
/// same disengage after compact-all reclaims the space that overwrites left in the tables.
/// </summary>
[NonParallelizable]
public sealed class DiskManagerProcessTests
{
    private const int SmallValue = 3000;
    private const int LargeValue = 8000;

    [Test]
    public async Task DiskManager_FillTinyCapacity_ThrottlesThenBreaksThenDisengagesAfterCleanup()
    {
        using var directory = TestDirectory.Create();
        await using var node = await StorageNodeProcess.StartAsync(directory.Path, new Dictionary<string, string>
        {
            ["PairDb:StorageNode:Disk:CapacityBytes"] = (200 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PairDb:StorageNode:Disk:ThrottleWriteSizeBytes"] = "4096",
            ["PairDb:StorageNode:Disk:SampleInterval"] = "00:00:00.100",
            ["PairDb:StorageNode:Engine:CommitLogSegmentBytes"] = "65536",
            ["PairDb:StorageNode:Engine:MemtableSizeBytes"] = "4194304",
        });
        var small = new string('s', SmallValue);
        SiblingSet? last = null;

        var throttled = await FillUntilAsync(node, small, "throttled", s => last = s, () => last);
        var large = Assert.ThrowsAsync<RpcException>(async () => await node.Client.CoordinatedWriteAsync(Write("t1", "k-large", new string('L', LargeValue))));
        last = Parse((await node.Client.CoordinatedWriteAsync(Write("t1", "k-fill", small, last))).Versions);
        var broken = await FillUntilAsync(node, small, "circuit_broken", s => last = s, () => last);
        var full = Assert.ThrowsAsync<RpcException>(async () => await node.Client.CoordinatedWriteAsync(Write("t1", "k-small", "x")));
        var readWhileBroken = await node.Client.ReadAsync(Read("t1", "k-fill"));
        var healthWhileBroken = await node.GetJsonAsync("/health");

        var cleanup = await node.PostJsonAsync("/api/v1/commitlog/force-cleanup");
        await node.Client.CoordinatedWriteAsync(Write("t1", "k-after", "x"));
        var health = await node.GetJsonAsync("/health");
        var metrics = await node.Http.GetStringAsync("/metrics");
        var log = node.ReadLog();

        Assert.Multiple(() =>
        {
            Assert.That(throttled.GetProperty("is_throttled").GetBoolean(), Is.True);
            Assert.That(large!.GetErrorCode(), Is.EqualTo(ErrorCode.DiskThrottled));
            Assert.That(large.StatusCode, Is.EqualTo(StatusCode.Unavailable));
            Assert.That(broken.GetProperty("is_circuit_broken").GetBoolean(), Is.True);
            Assert.That(full!.GetErrorCode(), Is.EqualTo(ErrorCode.DiskFull));
            Assert.That(full.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
            Assert.That(readWhileBroken.Found, Is.True, "reads always pass");
            Assert.That(healthWhileBroken.GetProperty("status").GetString(), Is.EqualTo("unhealthy"));
            Assert.That(cleanup.GetProperty("segments_deleted").GetInt32(), Is.GreaterThanOrEqualTo(1));
            Assert.That(health.GetProperty("disk_status").GetProperty("status").GetString(), Is.EqualTo("ok"));
            Assert.That(metrics, Does.Match("disk_throttle_events_total\\{[^}]*\\} [1-9]"));
            Assert.That(metrics, Does.Match("disk_circuit_breaker_events_total\\{[^}]*\\} 1"));
            Assert.That(metrics, Does.Match("disk_full_rejections_total\\{[^}]*\\} [1-9]"));
            Assert.That(log, Does.Match("Disk usage warning usage=[0-9.]+% threshold=80% available=[0-9]+KB"));
            Assert.That(log, Does.Contain("Disk circuit breaker ENGAGED"));
            Assert.That(log, Does.Contain("Disk circuit breaker DISENGAGED"));
        });
    }

    [Test]
    public async Task DiskManager_OverwritesFillTinyCapacity_CompactAllFreesSpaceAndBreakerDisengagesByItself()
    {
        using var directory = TestDirectory.Create();
        await using var node = await StorageNodeProcess.StartAsync(directory.Path, new Dictionary<string, string>
        {
            ["PairDb:StorageNode:Disk:CapacityBytes"] = (256 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PairDb:StorageNode:Disk:SampleInterval"] = "00:00:00.100",
            ["PairDb:StorageNode:Engine:CommitLogSegmentBytes"] = "65536",
            // Garbage must pile up in the tables until an operator compacts.
            ["PairDb:StorageNode:Engine:Compaction:Automatic"] = "false",
        });
        var last = new Dictionary<string, SiblingSet>(StringComparer.Ordinal);
        var broken = false;
        var rounds = 0;
        for (; rounds < 60 && !broken; rounds++)
        {
            for (var k = 0; k < 5 && !broken; k++)
            {
                var key = "k-over-" + k;
                try
                {
                    var reply = await node.Client.CoordinatedWriteAsync(Write("t1", key, rounds + new string('o', SmallValue), last.GetValueOrDefault(key)));
                    last[key] = Parse(reply.Versions);
                }
                catch (RpcException e) when (e.GetErrorCode() is ErrorCode.DiskFull)
                {
                    // Refused by the projection of bytes admitted since the last sample: the breaker is not
                    // necessarily engaged yet (the force-cleanup below may free the log), so keep going until a
                    // sample says it is.
                    break;
                }
            }

            // Every round becomes an L0 table holding the same keys again; its commit log goes away.
            await node.PostJsonAsync("/api/v1/commitlog/force-cleanup");
            broken = (await node.PostJsonAsync("/api/v1/disk/sample")).GetProperty("is_circuit_broken").GetBoolean();
        }

        var rejected = Assert.ThrowsAsync<RpcException>(async () => await node.Client.CoordinatedWriteAsync(Write("t1", "k-new", "x")));
        var compacted = await node.PostJsonAsync("/api/v1/compaction/compact-all");
        await node.PostJsonAsync("/api/v1/commitlog/cleanup");
        var health = await CompactionCacheApiTests.WaitForAsync(
            () => node.GetJsonAsync("/health"),
            h => !h.GetProperty("disk_status").GetProperty("is_circuit_broken").GetBoolean(),
            "the disk circuit breaker to disengage after compact-all");
        await node.Client.CoordinatedWriteAsync(Write("t1", "k-new", "x"));
        var read = await node.Client.ReadAsync(Read("t1", "k-over-0"));

        Assert.Multiple(() =>
        {
            Assert.That(broken, Is.True, $"the breaker engaged within {rounds} rounds");
            Assert.That(rejected!.GetErrorCode(), Is.EqualTo(ErrorCode.DiskFull));
            Assert.That(compacted.GetProperty("result").GetProperty("bytes_reclaimed").GetInt64(), Is.GreaterThan(100 * 1024));
            Assert.That(health.GetProperty("disk_status").GetProperty("usage_percent").GetDouble(), Is.LessThan(90));
            Assert.That(LiveValues(Parse(read.Versions)), Is.EqualTo(LiveValues(last["k-over-0"])), "the newest overwrite survives the compaction, alone");
            Assert.That(node.ReadLog(), Does.Contain("Disk circuit breaker DISENGAGED"));
        });
    }

    /// <summary>Overwrites one key (with its context, so the set stays one sibling) until the disk reaches <paramref name="state"/>.</summary>
    private static async Task<System.Text.Json.JsonElement> FillUntilAsync(
        StorageNodeProcess node, string value, string state, Action<SiblingSet> remember, Func<SiblingSet?> last)
    {
        for (var i = 0; i < 500; i++)
        {
            var status = await node.PostJsonAsync("/api/v1/disk/sample");
            if (status.GetProperty("status").GetString() == state)
            {
                return status;
            }

            try
            {
                remember(Parse((await node.Client.CoordinatedWriteAsync(Write("t1", "k-fill", value, last()))).Versions));
            }
            catch (RpcException e) when (e.GetErrorCode() is ErrorCode.DiskFull && state == "circuit_broken")
            {
                // The background sampler got there first.
            }
        }

        Assert.Fail($"disk never reached state {state} after 500 writes of {value.Length} bytes");
        throw new InvalidOperationException();
    }
}
