using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using PairDb.Contracts.Errors;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;
using static PairDb.StorageNode.Tests.Testing.Versions;

namespace PairDb.StorageNode.Tests.EndToEnd;

/// <summary>
/// A storage node on a real, small file system (a 64 MiB tmpfs): the byte floors derived from the engine's sizes
/// engage DISK_THROTTLED and DISK_FULL before the engine can meet ENOSPC; when it does meet it anyway (a ballast file
/// takes the last bytes), the node turns read-only with the cause in /health and NOT_SERVING in gRPC health, and
/// once the ballast is gone it takes writes again without a restart, every acknowledged write readable.
/// </summary>
[NonParallelizable]
public sealed class FullDiskProcessTests
{
    private const int LargeValue = 8 << 10;
    private const int SmallValue = 2 << 10;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task FullDisk_FillTmpfsThenBallast_BreakerBeforeEnospcThenReadOnlyThenResumesWithoutRestart()
    {
        using var directory = TestDirectory.Create();
        using var volume = TmpfsMount.Create(Path.Combine(directory.Path, "vol"), 64);
        var acknowledged = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var node = await StorageNodeProcess.StartAsync(directory.Path, new Dictionary<string, string>
        {
            ["PairDb:StorageNode:DataDirectory"] = Path.Combine(volume.Path, "data"),
            // The percentages would engage at 1.9 MiB free; the floors (7/14/21 MiB from 1 MiB segments, 1 MiB
            // memtables, an L0 trigger of 4 and 1 MiB compaction files) must engage first.
            ["PairDb:StorageNode:Disk:Preset"] = "Aggressive",
            ["PairDb:StorageNode:Disk:ThrottleWriteSizeBytes"] = "4096",
            ["PairDb:StorageNode:Disk:SampleInterval"] = "00:00:00.100",
            ["PairDb:StorageNode:Engine:CommitLogSegmentBytes"] = (1 << 20).ToString(CultureInfo.InvariantCulture),
            ["PairDb:StorageNode:Engine:MemtableSizeBytes"] = (1 << 20).ToString(CultureInfo.InvariantCulture),
            ["PairDb:StorageNode:Engine:Compaction:TargetFileSizeBytes"] = (1 << 20).ToString(CultureInfo.InvariantCulture),
        }))
        {
            // 1. Unique keys until the breaker engages: only DISK_THROTTLED (large values) and DISK_FULL may refuse.
            var refusals = new List<ErrorCode>();
            var size = LargeValue;
            var breakerEngaged = false;
            for (var i = 0; i < 20_000 && !breakerEngaged; i++)
            {
                var key = $"fill-{i:D5}";
                var value = key + new string('v', size);
                try
                {
                    await node.Client.CoordinatedWriteAsync(Write("t1", key, value));
                    acknowledged[key] = value;
                }
                catch (RpcException e)
                {
                    refusals.Add(e.GetErrorCode());
                    Assert.That(e.GetErrorCode(), Is.AnyOf(ErrorCode.DiskThrottled, ErrorCode.DiskFull), $"write {key} failed: {e.Status.Detail}");
                    size = SmallValue; // throttled: only small writes still pass
                    if (e.GetErrorCode() is ErrorCode.DiskFull)
                    {
                        // A refusal may come from the projection of bytes admitted since the last sample, before a
                        // sample shows the breaker engaged: fill on until one does.
                        breakerEngaged = (await node.PostJsonAsync("/api/v1/disk/sample")).GetProperty("is_circuit_broken").GetBoolean();
                    }
                }
            }

            var broken = await node.GetJsonAsync("/health");
            Assert.Multiple(() =>
            {
                Assert.That(refusals, Does.Contain(ErrorCode.DiskThrottled), "throttled before the breaker");
                Assert.That(refusals, Does.Contain(ErrorCode.DiskFull), "the breaker engaged");
                Assert.That(refusals.IndexOf(ErrorCode.DiskThrottled), Is.LessThan(refusals.IndexOf(ErrorCode.DiskFull)));
                Assert.That(broken.GetProperty("status").GetString(), Is.EqualTo("unhealthy"));
                Assert.That(broken.GetProperty("read_only").ValueKind, Is.EqualTo(JsonValueKind.Null), "no ENOSPC reached the engine");
                var disk = broken.GetProperty("disk_status");
                Assert.That(disk.GetProperty("is_circuit_broken").GetBoolean(), Is.True);
                Assert.That(disk.GetProperty("engaged_by").GetString(), Does.Contain("available_bytes"));
                Assert.That(disk.GetProperty("circuit_breaker_min_available_bytes").GetInt64(), Is.EqualTo(7L << 20));
                Assert.That(disk.GetProperty("throttle_min_available_bytes").GetInt64(), Is.EqualTo(14L << 20));
                Assert.That(disk.GetProperty("available_bytes").GetInt64(), Is.GreaterThan(1L << 20), "the breaker engaged with room to spare");
                var log = node.ReadLog();
                var firstEnospc = log.IndexOf("No space left on device", StringComparison.Ordinal);
                Assert.That(firstEnospc < 0 || firstEnospc > log.IndexOf("Disk circuit breaker ENGAGED", StringComparison.Ordinal), Is.True,
                    "no ENOSPC before the breaker engaged");
            });

            // The runbook's answer to the breaker: clean the commit log; the breaker disengages by itself.
            await node.PostJsonAsync("/api/v1/commitlog/force-cleanup");
            await WaitForHealthAsync(node, h => !h.GetProperty("disk_status").GetProperty("is_circuit_broken").GetBoolean(), "the breaker to disengage after commit-log cleanup");
            for (var i = 0; i < 20; i++)
            {
                var key = $"memtable-{i:D2}";
                var value = key + new string('m', SmallValue);
                await node.Client.CoordinatedWriteAsync(Write("t1", key, value));
                acknowledged[key] = value;
            }

            // 2. A ballast takes every free byte; the memtable's flush meets ENOSPC for real.
            var ballast = Path.Combine(volume.Path, "ballast");
            volume.FillWithBallast(ballast);
            using (var flush = await node.Http.PostAsync("/api/v1/commitlog/force-cleanup", null))
            {
                Assert.That(flush.IsSuccessStatusCode, Is.False, "the flush cannot succeed on a full file system");
            }

            var readOnly = await WaitForHealthAsync(node, h => h.GetProperty("read_only").ValueKind == JsonValueKind.Object, "/health to report read_only");
            var grpcHealth = await new Health.HealthClient(node.Channel).CheckAsync(new HealthCheckRequest());
            var refused = Assert.ThrowsAsync<RpcException>(async () => await node.Client.CoordinatedWriteAsync(Write("t1", "refused", "x")));
            var readWhileReadOnly = await node.Client.ReadAsync(Read("t1", "memtable-00"));
            var metricsWhileReadOnly = await node.Http.GetStringAsync("/metrics");
            Assert.Multiple(() =>
            {
                Assert.That(readOnly.GetProperty("status").GetString(), Is.EqualTo("unhealthy"));
                var cause = readOnly.GetProperty("read_only");
                Assert.That(cause.GetProperty("operation").GetString(), Is.EqualTo("memtable_flush"));
                Assert.That(cause.GetProperty("error").GetString(), Does.Contain("No space left on device"));
                Assert.That(cause.GetProperty("disk_full").GetBoolean(), Is.True);
                Assert.That(cause.GetProperty("file").GetString(), Does.Contain(".sst"));
                Assert.That(grpcHealth.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.NotServing));
                Assert.That(refused!.GetErrorCode(), Is.EqualTo(ErrorCode.DiskFull));
                Assert.That(readWhileReadOnly.Found, Is.True, "reads are served while read-only");
                Assert.That(metricsWhileReadOnly, Does.Match("engine_read_only\\{[^}]*\\} 1"));
                Assert.That(node.ReadLog(), Does.Contain("Storage engine read-only operation=memtable_flush"));
            });

            // 3. The ballast goes: the node resumes by itself and takes writes again.
            File.Delete(ballast);
            var resumed = await WaitForHealthAsync(node, h => h.GetProperty("read_only").ValueKind == JsonValueKind.Null, "the engine to leave read-only after the ballast was deleted");
            grpcHealth = await new Health.HealthClient(node.Channel).CheckAsync(new HealthCheckRequest());
            for (var i = 0; i < 20; i++)
            {
                var key = $"after-{i:D2}";
                var value = key + new string('a', SmallValue);
                await node.Client.CoordinatedWriteAsync(Write("t1", key, value));
                acknowledged[key] = value;
            }

            Assert.Multiple(() =>
            {
                Assert.That(resumed.GetProperty("status").GetString(), Is.Not.EqualTo("unhealthy"));
                Assert.That(grpcHealth.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.Serving));
                Assert.That(node.ReadLog(), Does.Contain("Storage engine writable again after operation=memtable_flush"));
            });

            await AssertAllReadableAsync(node, acknowledged, "after resuming");
            await node.RestartAsync(kill: true);
            await AssertAllReadableAsync(node, acknowledged, "after a kill and restart");
        }
    }

    private static async Task AssertAllReadableAsync(StorageNodeProcess node, Dictionary<string, string> acknowledged, string when)
    {
        var missing = new List<string>();
        foreach (var (key, value) in acknowledged)
        {
            var read = await node.Client.ReadAsync(Read("t1", key));
            if (!read.Found || !LiveValues(Parse(read.Versions)).SequenceEqual([value]))
            {
                missing.Add(key);
            }
        }

        Assert.That(missing, Is.Empty, $"acknowledged writes not readable {when} (of {acknowledged.Count})");
    }

    private static Task<JsonElement> WaitForHealthAsync(StorageNodeProcess node, Func<JsonElement, bool> done, string what) =>
        WaitFor.ValueAsync(() => node.GetJsonAsync("/health"), done, what, Timeout);
}
