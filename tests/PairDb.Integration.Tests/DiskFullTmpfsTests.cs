using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using PairDb.Client.Cli;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using PairDb.Testing;
using static PairDb.Integration.Tests.Support.Rpc;

namespace PairDb.Integration.Tests;

/// <summary>
/// Issue 12: storage-node-1's data on a small real file system (a 64 MiB tmpfs), written through the coordinator.
/// The byte floors stop it taking writes before ENOSPC; when ENOSPC comes anyway (a ballast takes the last bytes)
/// it turns read-only, the coordinator marks it DOWN and hints its writes, /health (and so ./pairdb status) says why;
/// once the ballast is gone it resumes by itself, comes back UP, the hints drain, and every acknowledged write is
/// readable from all three replicas.
/// </summary>
[NonParallelizable]
public sealed class DiskFullTmpfsTests
{
    private const string Tenant = TestCluster.Tenant;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Test]
    public async Task Put_NodeOnFullTmpfs_DownWithTheCauseThenUpAgainAndHintsDrain()
    {
        using var directory = TestDirectory.Create();
        using var volume = TmpfsMount.Create(Path.Combine(directory.Path, "vol"), 64);
        var mib = (1 << 20).ToString(CultureInfo.InvariantCulture);
        await using var cluster = await TestCluster.StartAsync(new Dictionary<int, IReadOnlyDictionary<string, string>>
        {
            [0] = new Dictionary<string, string>
            {
                ["PairDb:StorageNode:DataDirectory"] = Path.Combine(volume.Path, "data"),
                ["PairDb:StorageNode:Disk:SampleInterval"] = "00:00:00.100",
                ["PairDb:StorageNode:Engine:CommitLogSegmentBytes"] = mib,
                ["PairDb:StorageNode:Engine:MemtableSizeBytes"] = mib,
                ["PairDb:StorageNode:Engine:Compaction:TargetFileSizeBytes"] = mib,
            },
        });
        var node = cluster.Nodes[0];
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{node.HttpPort}") };
        var acknowledged = new Dictionary<string, string>(StringComparer.Ordinal);

        // 1. Writes fill node-1 until its circuit breaker engages; the cluster keeps taking them (W=2).
        var value = new string('v', 8 << 10);
        var broken = false;
        for (var i = 0; i < 20_000 && !broken; i++)
        {
            await PutAsync(cluster, $"fill-{i:D5}", value, acknowledged);
            if (i % 25 == 0)
            {
                broken = (await HealthAsync(http)).GetProperty("disk_status").GetProperty("is_circuit_broken").GetBoolean();
            }
        }

        Assert.That(broken, Is.True, "node-1's circuit breaker engaged");
        Assert.That(node.ReadLog(), Does.Not.Contain("Storage engine read-only"), "the breaker engaged before any ENOSPC reached the engine");
        await WaitForStatusAsync(cluster, node.NodeId, "DOWN");

        // The runbook's answer: clean node-1's commit log; it comes back and takes its hints.
        using (var cleanup = await http.PostAsync("/api/v1/commitlog/force-cleanup", null))
        {
            Assert.That(cleanup.IsSuccessStatusCode, Is.True, await cleanup.Content.ReadAsStringAsync());
        }

        await WaitForStatusAsync(cluster, node.NodeId, "UP");
        await Eventually.WaitAsync(async () => await cluster.HintCountAsync(node.NodeId) == 0, "node-1's hints to drain after the cleanup", Wait);
        for (var i = 0; i < 20; i++)
        {
            await PutAsync(cluster, $"memtable-{i:D2}", value, acknowledged, Consistency.All);
        }

        // 2. A ballast takes the last bytes; node-1's memtable flush meets ENOSPC for real.
        var ballast = Path.Combine(volume.Path, "ballast");
        volume.FillWithBallast(ballast);
        using (var flush = await http.PostAsync("/api/v1/commitlog/force-cleanup", null))
        {
            Assert.That(flush.IsSuccessStatusCode, Is.False, "a flush cannot succeed on a full file system");
        }

        await WaitForStatusAsync(cluster, node.NodeId, "DOWN");
        using (var report = await NodeHealth.TryReadAsync("127.0.0.1", node.HttpPort))
        {
            Assert.That(NodeHealth.Describe(report), Does.StartWith("READ-ONLY").And.Contain("memtable_flush").And.Contain("No space left on device"));
        }

        for (var i = 0; i < 30; i++)
        {
            await PutAsync(cluster, $"down-{i:D2}", value, acknowledged);
        }

        Assert.That(await cluster.HintCountAsync(node.NodeId), Is.GreaterThanOrEqualTo(30), "writes node-1 missed are hinted");

        // 3. The ballast goes: node-1 resumes without a restart, comes back UP, and its hints drain.
        File.Delete(ballast);
        await Eventually.WaitAsync(async () => (await HealthAsync(http)).GetProperty("read_only").ValueKind == JsonValueKind.Null, "node-1 to leave read-only after the ballast was deleted", Wait);
        await WaitForStatusAsync(cluster, node.NodeId, "UP");
        await Eventually.WaitAsync(async () => await cluster.HintCountAsync(node.NodeId) == 0, "node-1's hints to drain after it resumed", Wait);
        Assert.That(node.ReadLog(), Does.Contain("Storage engine writable again after operation=memtable_flush"));

        var missing = new List<string>();
        foreach (var (key, expected) in acknowledged)
        {
            var reply = await cluster.KeyValue.GetAsync(new GetRequest { TenantId = Tenant, Key = Bytes(key), Consistency = Consistency.All });
            if (reply.Siblings.Count != 1 || reply.Siblings[0].Value.ToStringUtf8() != expected)
            {
                missing.Add(key);
            }
        }

        Assert.That(missing, Is.Empty, $"acknowledged writes not readable at R=ALL (of {acknowledged.Count})");
    }

    private static async Task PutAsync(TestCluster cluster, string key, string value, Dictionary<string, string> acknowledged, Consistency? consistency = null)
    {
        var request = new PutRequest { TenantId = Tenant, Key = Bytes(key), Value = Bytes(key + value) };
        if (consistency is { } c)
        {
            request.Consistency = c;
        }
        else
        {
            request.W = 2;
        }

        await cluster.KeyValue.PutAsync(request);
        acknowledged[key] = key + value;
    }

    private static async Task<JsonElement> HealthAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/health");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Task WaitForStatusAsync(TestCluster cluster, string nodeId, string status) =>
        Eventually.WaitAsync(
            async () => await cluster.ScalarAsync<string>($"SELECT status FROM storage_nodes WHERE node_id='{nodeId}'") == status,
            $"{nodeId} to be stored {status}",
            Wait);
}
