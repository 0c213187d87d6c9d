using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using PairDb.Testing.Reads;
using static PairDb.Integration.Tests.Support.Rpc;

namespace PairDb.Integration.Tests;

/// <summary>
/// Runbook 2.3 restore-from-replica on a real cluster: a node's SSTable is damaged on disk, the node asks the
/// coordinator for its replica peers (GetReplicaPeers) and refetches the file's key range from them.
/// </summary>
[NonParallelizable]
public sealed class RestoreFromReplicaTests
{
    private const string Tenant = TestCluster.Tenant;
    private const int Keys = 300;

    [Test]
    public async Task RestoreFromReplica_CorruptedSSTable_RefetchesItsKeysFromPeers()
    {
        await using var cluster = await TestCluster.StartAsync();
        for (var i = 0; i < Keys; i++)
        {
            await cluster.KeyValue.PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes($"restore-{i:D4}"), Value = Bytes(new string('r', 200) + i), W = 3 });
        }

        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{cluster.CoordinatorGrpcPort}");
        var coordinator = new CoordinatorService.CoordinatorServiceClient(channel);
        var peers = await coordinator.GetReplicaPeersAsync(new GetReplicaPeersRequest { NodeId = "storage-node-1" });
        var notMember = await ErrorOfAsync(() => coordinator.GetReplicaPeersAsync(new GetReplicaPeersRequest { NodeId = "no-such-node" }).ResponseAsync);
        var victim = cluster.Nodes[0];
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{victim.HttpPort}") };
        (await http.PostAsync("/api/v1/commitlog/force-cleanup", null)).EnsureSuccessStatusCode();
        var table = Directory.GetFiles(Path.Combine(victim.DataDirectory, "sstables"), "*.sst", SearchOption.AllDirectories).Single();
        await using (var file = new FileStream(table, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            file.Position = 100; // inside the first data block
            var original = file.ReadByte();
            file.Position = 100;
            file.WriteByte((byte)(original ^ 0xFF));
        }

        await victim.RestartWithAsync(new Dictionary<string, string>
        {
            ["PairDb:StorageNode:CoordinatorEndpoint"] = $"http://127.0.0.1:{cluster.CoordinatorGrpcPort}",
        });
        var damaged = Assert.ThrowsAsync<RpcException>(() => victim.ReadLocalAsync(Tenant, "restore-0000"));

        using var unknown = await http.PostAsJsonAsync("/api/v1/recovery/restore-from-replica", new { files = new[] { "sstable-999999.sst" } });
        var unknownBody = await unknown.Content.ReadFromJsonAsync<JsonElement>();
        using var restored = await http.PostAsJsonAsync("/api/v1/recovery/restore-from-replica", new { files = new[] { Path.GetFileName(table) } });
        var body = await restored.Content.ReadFromJsonAsync<JsonElement>();

        var wrong = new List<string>();
        for (var i = 0; i < Keys; i++)
        {
            var set = await victim.ReadLocalAsync(Tenant, $"restore-{i:D4}");
            var expected = new string('r', 200) + i;
            if (set.Siblings.Count != 1 || System.Text.Encoding.UTF8.GetString(set.Siblings[0].Value.Span) != expected)
            {
                wrong.Add($"restore-{i:D4}");
            }
        }

        // A second round of blind writes after the restore: none may cover a first-round value (issue 12).
        var identity = await http.GetFromJsonAsync<JsonElement>("/api/v1/identity");
        for (var i = 0; i < Keys; i++)
        {
            await cluster.KeyValue.PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes($"restore-{i:D4}"), Value = Bytes($"second-{i}"), W = 2 });
        }

        var lost = new List<string>();
        for (var i = 0; i < Keys; i++)
        {
            var reply = await cluster.KeyValue.GetAsync(new GetRequest { TenantId = Tenant, Key = Bytes($"restore-{i:D4}"), Consistency = Consistency.All });
            if (ExactRead.Problem($"restore-{i:D4}", reply.Siblings.Select(s => s.Value.ToStringUtf8()), [new string('r', 200) + i, $"second-{i}"], RepeatedDots.Refused) is { } problem)
            {
                lost.Add(problem);
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(identity.GetProperty("reason").GetString(), Does.StartWith("restore-from-replica of " + Path.GetFileName(table)));
            Assert.That(lost, Is.Empty, "at R=ALL each key holds exactly its restored value and the later blind write");
            Assert.That(peers.Peers.Select(p => p.NodeId).Order(), Is.EqualTo(new[] { "storage-node-2", "storage-node-3" }));
            Assert.That(peers.Peers.All(p => p.SharedRanges.Count > 0 && p.GrpcPort > 0), Is.True, "every peer shares ranges (N=3, three nodes)");
            Assert.That(notMember, Is.EqualTo(PairDb.Contracts.Errors.ErrorCode.InvalidArgument));
            Assert.That(damaged!.StatusCode, Is.Not.EqualTo(StatusCode.OK), "the damaged table fails reads before the restore");
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(unknownBody.GetProperty("code").GetInt32(), Is.EqualTo(1000));
            Assert.That(restored.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
            Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("restored"), body.ToString());
            Assert.That(body.GetProperty("files_restored")[0].GetString(), Is.EqualTo(Path.GetFileName(table)));
            Assert.That(body.GetProperty("keys_refetched").GetProperty("storage-node-2").GetInt64(), Is.EqualTo(Keys));
            Assert.That(body.GetProperty("keys_refetched").GetProperty("storage-node-3").GetInt64(), Is.EqualTo(Keys));
            Assert.That(wrong, Is.Empty, "keys not readable with their value on the restored node");
            Assert.That(File.Exists(table), Is.False);
        });
    }
}
