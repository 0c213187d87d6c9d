using Grpc.Core;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using PairDb.Testing.Reads;
using static PairDb.Integration.Tests.Support.Rpc;

namespace PairDb.Integration.Tests;

/// <summary>
/// A node that lost or dropped its data must not mint dots its earlier life already gave to other writes
/// (issue 12): blind writes before and after a wipe, a clear-all or a node restart all survive, read at ALL,
/// with nothing else; and the coordinator routes only to a node that answers to its registered id.
/// </summary>
[NonParallelizable]
public sealed class IncarnationTests
{
    private const string Tenant = TestCluster.Tenant;
    private const int Keys = 300;

    [Test]
    public async Task WipedNodeRejoins_BlindWritesOfBothRoundsSurviveAtReadAll()
    {
        await using var cluster = await TestCluster.StartAsync();
        var victim = cluster.Nodes[0];
        await PutRoundAsync(cluster, "first");
        var before = await RecordedIncarnationAsync(cluster, victim.NodeId);

        victim.Kill();
        victim.Wipe();
        await victim.StartAsync();
        await WaitForNewIncarnationAsync(cluster, victim.NodeId, before);
        await PutRoundAsync(cluster, "second");

        await AssertBothRoundsAsync(cluster);
    }

    [Test]
    public async Task ClearAllOnRunningNode_BlindWritesOfBothRoundsSurviveAtReadAll()
    {
        await using var cluster = await TestCluster.StartAsync();
        var victim = cluster.Nodes[0];
        await PutRoundAsync(cluster, "first");
        var before = await RecordedIncarnationAsync(cluster, victim.NodeId);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{victim.HttpPort}") };
        (await http.PostAsync("/api/v1/data/clear-all", null)).EnsureSuccessStatusCode();
        await WaitForNewIncarnationAsync(cluster, victim.NodeId, before);
        await PutRoundAsync(cluster, "second");

        await AssertBothRoundsAsync(cluster);
        Assert.That(await cluster.ScalarAsync<string[]>($"SELECT retired_incarnations FROM storage_nodes WHERE node_id = '{victim.NodeId}'"),
            Does.Contain(before), "the replaced incarnation is remembered as retired");
    }

    [Test]
    public async Task NodeAnsweringAsAnotherId_RefusedAtRegistrationAndByTheProbe()
    {
        await using var cluster = await TestCluster.StartAsync();
        var extra = await cluster.StartExtraNodeAsync("imposter-real");
        var admin = new CoordinatorService.CoordinatorServiceClient(cluster.Channel);

        var registration = Assert.ThrowsAsync<RpcException>(() => admin.AddStorageNodeAsync(new AddStorageNodeRequest
        {
            NodeId = "imposter-claimed", Host = "127.0.0.1", Port = (uint)extra.GrpcPort, HttpPort = (uint)extra.HttpPort,
        }).ResponseAsync);

        // The process at storage-node-3's address is replaced by one configured as another node.
        var swapped = cluster.Nodes[2];
        await swapped.RestartWithAsync(new Dictionary<string, string>
        {
            ["PairDb:StorageNode:NodeId"] = "someone-else",
            ["PairDb:StorageNode:DataDirectory"] = Path.Combine(swapped.Directory, "other-data"),
        });
        StorageNodeInfo? refused = null;
        await Eventually.WaitAsync(async () =>
        {
            var listed = await admin.ListStorageNodesAsync(new ListStorageNodesRequest());
            refused = listed.Nodes.Single(n => n.NodeId == swapped.NodeId);
            return refused.Status == NodeStatus.Down && refused.StatusReason.Length > 0;
        }, $"the coordinator to refuse {swapped.NodeId}, now answering as someone-else", TimeSpan.FromSeconds(30));
        var put = await cluster.KeyValue.PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes("after-swap"), Value = Bytes("v"), W = 2 });

        Assert.Multiple(() =>
        {
            Assert.That(registration!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
            Assert.That(registration.Status.Detail, Does.Contain("configured as 'imposter-real', not 'imposter-claimed'"));
            Assert.That(refused!.StatusReason, Does.Contain("answers as node 'someone-else'"));
            Assert.That(cluster.CoordinatorLog(), Does.Contain("Storage node refused: identity check failed node_id=" + swapped.NodeId));
            Assert.That(put.Context.IsEmpty, Is.False, "writes go on with the two nodes that answer as themselves");
        });
    }

    private static async Task PutRoundAsync(TestCluster cluster, string round)
    {
        var failed = new List<string>();
        for (var i = 0; i < Keys; i++)
        {
            try
            {
                // Blind: no context, so neither round may replace the other.
                await cluster.KeyValue.PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes(Key(i)), Value = Bytes($"{round}-{i}"), W = 2 });
            }
            catch (RpcException e)
            {
                failed.Add($"{Key(i)}: {e.Status.Detail}");
            }
        }

        Assert.That(failed, Is.Empty, $"every blind W=2 put of the {round} round is acknowledged");
    }

    private static async Task AssertBothRoundsAsync(TestCluster cluster)
    {
        var wrong = new List<string>();
        for (var i = 0; i < Keys; i++)
        {
            var reply = await cluster.KeyValue.GetAsync(new GetRequest { TenantId = Tenant, Key = Bytes(Key(i)), Consistency = Consistency.All });
            if (ExactRead.Problem(Key(i), reply.Siblings.Select(s => s.Value.ToStringUtf8()), [$"first-{i}", $"second-{i}"], RepeatedDots.Refused) is { } problem)
            {
                wrong.Add(problem);
            }
        }

        Assert.That(wrong, Is.Empty, "at R=ALL every key holds exactly its two acknowledged blind writes, none lost, none invented");
    }

    private static Task<string> RecordedIncarnationAsync(TestCluster cluster, string nodeId) =>
        WaitForNewIncarnationAsync(cluster, nodeId, previous: null);

    /// <summary>Waits until storage_nodes records an incarnation for the node other than <paramref name="previous"/>, with the node UP.</summary>
    private static async Task<string> WaitForNewIncarnationAsync(TestCluster cluster, string nodeId, string? previous)
    {
        string? current = null;
        await Eventually.WaitAsync(async () =>
        {
            current = await cluster.ScalarAsync<string?>($"SELECT incarnation FROM storage_nodes WHERE node_id = '{nodeId}' AND status = 'UP' AND incarnation IS NOT NULL");
            return current is not null && current != previous;
        }, $"storage_nodes to record a new incarnation of {nodeId} (previous: {previous ?? "none"}) with the node UP", TimeSpan.FromSeconds(60));
        return current!;
    }

    private static string Key(int i) => $"incarnation-{i:D4}";
}
