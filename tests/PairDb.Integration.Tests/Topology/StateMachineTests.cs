using System.Text.Json;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using PairDb.Integration.Tests.Topology.Harness;
using PairDb.Testing.Reads;
using static PairDb.Integration.Tests.Support.Rpc;

namespace PairDb.Integration.Tests.Topology;

/// <summary>
/// The topology state machine end to end: a real coordinator, real storage nodes, real PostgreSQL.
/// A bootstrap and a decommission of a cluster holding data, and a bootstrap that survives the
/// coordinator being SIGKILLed in the middle of copying.
/// </summary>
[NonParallelizable]
public sealed class StateMachineTests
{
    private const string Tenant = TestCluster.Tenant;
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task BootstrapThenDecommission_ClusterHoldingData_EveryKeyReadableAndDataMoved()
    {
        await using var cluster = await TestCluster.StartAsync(coordinatorSettings: FastChanges());
        var admin = new CoordinatorService.CoordinatorServiceClient(cluster.Channel);
        const int keys = 600;
        const int value = 256;
        await WriteAsync(cluster, keys, value);

        var joining = await cluster.StartExtraNodeAsync("storage-node-4");
        var added = await admin.AddStorageNodeAsync(new AddStorageNodeRequest
        {
            NodeId = joining.NodeId, Host = "127.0.0.1", Port = (uint)joining.GrpcPort, HttpPort = (uint)joining.HttpPort,
        });
        Assert.That(added.Node.State, Is.EqualTo(NodeState.Bootstrapping));
        var bootstrap = await WaitCompletedAsync(cluster, joining.NodeId);
        Assert.That(bootstrap.GetProperty("progress_percent").GetInt32(), Is.EqualTo(100));
        Assert.That(bootstrap.GetProperty("keys_copied").GetInt64(), Is.Positive);
        Assert.That(bootstrap.GetProperty("bytes_transferred").GetInt64(), Is.Positive);
        var status = await admin.GetStorageNodeStatusAsync(new GetStorageNodeStatusRequest { NodeId = joining.NodeId });
        Assert.That(status.Node.State, Is.EqualTo(NodeState.Normal));
        Assert.That(status.Change.Status, Is.EqualTo("completed"));
        Assert.That(status.Change.Progress, Is.EqualTo(100));

        await AssertEveryKeyReadableAsync(cluster, keys, value);
        var onNewNode = await CountLocalAsync(joining, keys);
        // With four nodes and N = 3 a node replicates about three quarters of the keys.
        Assert.That(onNewNode, Is.GreaterThan(keys / 2), $"the new node holds {onNewNode} of {keys} keys");

        // Runbook 3.1 step 5: the ranges received, as the status lists them, verified on the new node.
        var keyRanges = bootstrap.GetProperty("key_ranges");
        Assert.That(keyRanges.GetArrayLength(), Is.Positive, "the status lists the ranges the node received");
        using (var nodeHttp = new HttpClient())
        {
            using var verify = await nodeHttp.PostAsync($"http://127.0.0.1:{joining.HttpPort}/api/v1/integrity/verify-ranges",
                new StringContent($"{{\"key_ranges\": {keyRanges.GetRawText()}}}", System.Text.Encoding.UTF8, "application/json"));
            var verified = System.Text.Json.JsonDocument.Parse(await verify.Content.ReadAsStringAsync()).RootElement;
            Assert.That(verified.GetProperty("status").GetString(), Is.EqualTo("success"));
            Assert.That(verified.GetProperty("ranges_verified").GetInt32(), Is.EqualTo(keyRanges.GetArrayLength()));
        }

        var leaving = cluster.Nodes[0];
        var removed = await admin.RemoveStorageNodeAsync(new RemoveStorageNodeRequest { NodeId = leaving.NodeId });
        Assert.That(removed.Node.State, Is.EqualTo(NodeState.Leaving));
        var decommission = await WaitCompletedAsync(cluster, leaving.NodeId);
        Assert.That(decommission.GetProperty("type").GetString(), Is.EqualTo("decommission"));
        var listed = await admin.ListStorageNodesAsync(new ListStorageNodesRequest());
        Assert.That(listed.Nodes.Select(n => n.NodeId), Does.Not.Contain(leaving.NodeId), "runbook 5.2: removed from metadata");

        await AssertEveryKeyReadableAsync(cluster, keys, value);
        // Three nodes remain with N = 3: each holds every key now.
        Assert.That(await CountLocalAsync(joining, keys), Is.EqualTo(keys));
    }

    [Test]
    public async Task Bootstrap_CoordinatorKilledMidCopy_ResumesFromPersistedKeyAndCompletes()
    {
        var settings = FastChanges();
        // Slow copying down so the kill lands in the middle of it.
        settings["PairDb:Topology:MaxStreamMegabytesPerSecond"] = "0.2";
        settings["PairDb:Topology:StreamBatchSize"] = "50";
        settings["PairDb:Topology:StreamBuffer"] = "100";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var cluster = await TestCluster.StartAsync(coordinatorSettings: settings);
        var admin = new CoordinatorService.CoordinatorServiceClient(cluster.Channel);
        await TestContext.Progress.WriteLineAsync($"cluster up {clock.Elapsed}");
        const int keys = 1500;
        const int value = 1024;
        await WriteAsync(cluster, keys, value);

        var joining = await cluster.StartExtraNodeAsync("storage-node-4");
        await admin.AddStorageNodeAsync(new AddStorageNodeRequest
        {
            NodeId = joining.NodeId, Host = "127.0.0.1", Port = (uint)joining.GrpcPort, HttpPort = (uint)joining.HttpPort,
        });
        await Eventually.WaitAsync(async () => await CopiedSoFarAsync(cluster, joining.NodeId) > 0,
            "some keys to be copied (and persisted) before the kill", ChangeTimeout);

        await TestContext.Progress.WriteLineAsync($"copying {clock.Elapsed}");
        cluster.KillCoordinator();
        var persisted = await CopiedSoFarAsync(cluster, joining.NodeId);
        var checkpoints = await StreamCheckpointsAsync(cluster, joining.NodeId);
        // The target ends the dead coordinator's pulls (their calls broke); every pull it starts from now on is the
        // restarted coordinator's, and the keys they report are what the restart cost.
        await Eventually.WaitAsync(() => Task.FromResult(TargetPulls.Read(joining.LogPath).All(p => p.Ended)),
            $"{joining.NodeId} to end the pulls of the killed coordinator", ChangeTimeout);
        var pullsBefore = TargetPulls.Read(joining.LogPath).Count;
        Assert.That(await cluster.ScalarAsync<string>($"SELECT details->>'phase' FROM pending_changes WHERE node_id = '{joining.NodeId}'"),
            Is.EqualTo("copying"), "the coordinator died in the middle of copying");
        Assert.That(await cluster.ScalarAsync<string>($"SELECT state FROM storage_nodes WHERE node_id = '{joining.NodeId}'"), Is.EqualTo("BOOTSTRAPPING"));
        await cluster.RestartCoordinatorAsync();
        await TestContext.Progress.WriteLineAsync($"restarted {clock.Elapsed}, {persisted} keys copied before the kill");

        var completed = await WaitCompletedAsync(cluster, joining.NodeId);
        await TestContext.Progress.WriteLineAsync($"completed {clock.Elapsed}");
        await AssertEveryKeyReadableAsync(cluster, keys, value);
        var held = await CountLocalAsync(joining, keys);
        Assert.That(held, Is.GreaterThan(keys / 2));

        // Resumed, not restarted: each stream's first pull after the restart starts after its persisted last key;
        // the target receives exactly the keys the checkpoint lacked (a restart from zero sends all `held` again);
        // and keys_copied counts each key the target holds once (a counter kept over a cursor reset counts more).
        var pullsAfter = TargetPulls.Read(joining.LogPath).Skip(pullsBefore).ToList();
        var resumed = checkpoints.Where(c => c.LastKeyHex.Length > 0 && c.State == "copying").ToList();
        Assert.That(resumed, Is.Not.Empty, $"some stream had a checkpoint when the coordinator was killed ({persisted} keys persisted)");
        foreach (var checkpoint in resumed)
        {
            var first = pullsAfter.FirstOrDefault(p => p.StreamNumber == checkpoint.Id);
            Assert.That(first?.ResumeAfterHex, Is.EqualTo(checkpoint.LastKeyHex),
                $"stream {checkpoint.Id}'s first pull after the restart resumes after its persisted last key ({checkpoint.KeysCopied} keys persisted)");
        }
        var sentAfterRestart = pullsAfter.Sum(p => p.Keys);
        Assert.That(sentAfterRestart, Is.EqualTo(held - persisted),
            $"after the restart {joining.NodeId} received only the {held - persisted} keys the checkpoint lacked, of a full copy of {held}");
        Assert.That(completed.GetProperty("keys_copied").GetInt64(), Is.EqualTo(held), "keys_copied counts each copied key once across the restart");
    }

    private static Dictionary<string, string> FastChanges() => new()
    {
        ["PairDb:Ring:RefreshInterval"] = "00:00:00.200",
        ["PairDb:Topology:RunInterval"] = "00:00:00.300",
        ["PairDb:Topology:ChangeJobInterval"] = "00:00:01",
        ["PairDb:Jobs:IdleWaitTime"] = "00:00:01",
        ["PairDb:Jobs:CheckinInterval"] = "00:00:01",
        ["PairDb:Jobs:CheckinMisfireThreshold"] = "00:00:02",
        ["PairDb:Topology:RetryBackoff"] = "00:00:00.100",
        ["PairDb:Topology:MaxRetryBackoff"] = "00:00:01",
        ["PairDb:Topology:ProgressInterval"] = "00:00:00.200",
        // Cleanup must not drop the data the assertions look at.
        ["PairDb:Topology:CleanupGracePeriod"] = "01:00:00",
    };

    private static string ValueOf(int i, int bytes) => $"{i}:{new string('v', bytes)}";

    private static async Task WriteAsync(TestCluster cluster, int keys, int value)
    {
        for (var start = 0; start < keys; start += 100)
        {
            var batch = new BatchPutRequest();
            for (var i = start; i < Math.Min(keys, start + 100); i++)
            {
                batch.Items.Add(new PutRequest { TenantId = Tenant, Key = Bytes($"key-{i}"), Value = Bytes(ValueOf(i, value)), Consistency = Consistency.Quorum });
            }
            var reply = await cluster.KeyValue.BatchPutAsync(batch);
            Assert.That(reply.Results.All(r => r.ResultCase == PutResult.ResultOneofCase.Ok), Is.True, "every write acknowledged");
        }
    }

    private static async Task AssertEveryKeyReadableAsync(TestCluster cluster, int keys, int value)
    {
        for (var start = 0; start < keys; start += 100)
        {
            var batch = new BatchGetRequest();
            for (var i = start; i < Math.Min(keys, start + 100); i++)
            {
                batch.Items.Add(new GetRequest { TenantId = Tenant, Key = Bytes($"key-{i}"), Consistency = Consistency.Quorum });
            }
            var reply = await cluster.KeyValue.BatchGetAsync(batch);
            for (var j = 0; j < reply.Results.Count; j++)
            {
                var i = start + j;
                var result = reply.Results[j];
                Assert.That(result.ResultCase, Is.EqualTo(GetResult.ResultOneofCase.Ok), $"key-{i} readable at R=2: {result.Error}");
                ExactRead.AssertValues($"key-{i}", result.Ok.Siblings.Select(s => s.Value.ToStringUtf8()), [ValueOf(i, value)], RepeatedDots.Refused,
                    $"key-{i} reads back as exactly its one value");
            }
        }
    }

    private static async Task<int> CountLocalAsync(ClusterNode node, int keys)
    {
        var found = 0;
        for (var start = 0; start < keys; start += 50)
        {
            var reads = Enumerable.Range(start, Math.Min(50, keys - start)).Select(i => node.ReadLocalAsync(Tenant, $"key-{i}"));
            found += (await Task.WhenAll(reads)).Count(set => set.Siblings.Count > 0);
        }
        return found;
    }

    /// <summary>Each stream's persisted checkpoint (pending_changes.details.streams): what a restarted coordinator resumes from.</summary>
    private static async Task<List<StreamCheckpoint>> StreamCheckpointsAsync(TestCluster cluster, string nodeId)
    {
        var json = await cluster.ScalarAsync<string>($"SELECT (details->'streams')::text FROM pending_changes WHERE node_id = '{nodeId}' AND type = 'bootstrap'");
        using var streams = JsonDocument.Parse(json);
        return [.. streams.RootElement.EnumerateArray().Select(s => new StreamCheckpoint(
            s.GetProperty("id").GetInt32(),
            s.GetProperty("state").GetString() ?? "",
            s.TryGetProperty("last_key", out var key) && key.ValueKind == JsonValueKind.String ? Convert.ToHexString(key.GetBytesFromBase64()) : "",
            s.GetProperty("keys_copied").GetInt64()))];
    }

    private sealed record StreamCheckpoint(int Id, string State, string LastKeyHex, long KeysCopied);

    /// <summary>keys_copied as persisted in pending_changes.details (what a restarted coordinator resumes from).</summary>
    private static async Task<long> CopiedSoFarAsync(TestCluster cluster, string nodeId) =>
        await cluster.ScalarAsync<long>(
            "SELECT COALESCE(SUM((s->>'keys_copied')::bigint), 0)::bigint FROM pending_changes c, jsonb_array_elements(c.details->'streams') s " +
            $"WHERE c.node_id = '{nodeId}' AND c.type = 'bootstrap'");

    /// <summary>Polls GET /api/v1/rebalance/status until the node's change completed; fails on failed/aborted.</summary>
    private static async Task<JsonElement> WaitCompletedAsync(TestCluster cluster, string nodeId)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cluster.CoordinatorHttpPort}") };
        JsonElement last = default;
        await Eventually.WaitAsync(async () =>
        {
            try
            {
                using var json = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/rebalance/status?target_node={nodeId}"));
                last = json.RootElement.Clone();
            }
            catch (HttpRequestException)
            {
                return false;
            }
            var state = last.GetProperty("state").GetString();
            Assert.That(state, Is.Not.EqualTo("failed").And.Not.EqualTo("aborted"),
                $"change of {nodeId}: {last}\n{cluster.CoordinatorLog()}");
            return state == "completed";
        }, $"the topology change of {nodeId} to complete", ChangeTimeout);
        return last;
    }
}
