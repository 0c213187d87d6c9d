using System.Net;
using System.Text;
using System.Text.Json;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Tests.Support;
using PairDb.Coordinator.Topology.Changes;

namespace PairDb.Coordinator.Tests.Topology;

/// <summary>
/// The operator's controls of topology changes (runbook 3, TOPOLOGY.md) against a real coordinator
/// and PostgreSQL. Nodes are made-up addresses: these tests cover the state machine's bookkeeping
/// (queueing, start, abort, restart, refusals); streaming itself is tested end to end with real nodes.
/// </summary>
public sealed class RebalanceApiTests
{
    private MetadataDatabase _database = null!;
    private InProcessCoordinator _coordinator = null!;

    private HttpClient Http => _coordinator.Http;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _database = await MetadataDatabase.CreateAsync();
        _coordinator = await InProcessCoordinator.StartAsync(_database.ConnectionString, settings: new Dictionary<string, string>
        {
            ["PairDb:Topology:AutoStart"] = "false",
            ["PairDb:Topology:RunInterval"] = "00:00:00.200",
            ["PairDb:Topology:ChangeJobInterval"] = "00:00:00.500",
            ["PairDb:Jobs:IdleWaitTime"] = "00:00:01",
            ["PairDb:Topology:RetryBackoff"] = "00:00:00.100",
            ["PairDb:Topology:MaxRetryBackoff"] = "00:00:00.500",
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _coordinator.DisposeAsync();
        await _database.DisposeAsync();
    }

    [SetUp]
    public Task ResetAsync() => _coordinator.ResetAsync(_database);

    [Test]
    public async Task Start_AutoStartOff_ChangeWaitsQueuedThenCompletesOnceStarted()
    {
        await RegisterAsync(1);
        using (var queued = await StatusAsync("storage-node-1"))
        {
            Assert.That(queued.RootElement.GetProperty("state").GetString(), Is.EqualTo("queued"));
            Assert.That(queued.RootElement.GetProperty("status").GetString(), Is.EqualTo("pending"));
            Assert.That(queued.RootElement.GetProperty("progress_percent").GetInt32(), Is.Zero);
        }

        using var started = await PostAsync("/api/v1/rebalance/start",
            """{"target_node": "storage-node-1", "source_nodes": [], "rebalance_strategy": "even_distribution"}""");
        Assert.That(started.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await started.Content.ReadAsStringAsync());

        await Eventually.WaitAsync(async () => await StateAsync("storage-node-1") == "completed", "the started bootstrap to complete");
        using var done = await StatusAsync("storage-node-1");
        Assert.That(done.RootElement.GetProperty("progress_percent").GetInt32(), Is.EqualTo(100));
        Assert.That(done.RootElement.GetProperty("cleanup").GetProperty("status").GetString(), Is.EqualTo("scheduled"));
        Assert.That(await _database.ScalarAsync<string>("SELECT state FROM storage_nodes WHERE node_id='storage-node-1'"), Is.EqualTo("NORMAL"));
    }

    [Test]
    public async Task Supervisor_ChangePersistedAtCutoverWithoutAJob_ResumedAndCompleted()
    {
        var reply = await RegisterAsync(1);
        await _coordinator.Get<ChangeScheduler>().UnscheduleAsync(reply.Change.ChangeId, CancellationToken.None);
        // As a crash right before the cutover leaves it: in_progress, phase cutover, no job.
        await _database.ScalarAsync<object>(
            "UPDATE pending_changes SET status = 'in_progress', details = details || '{\"phase\": \"cutover\", \"wait_for_operator\": false}'::jsonb " +
            $"WHERE change_id = '{reply.Change.ChangeId}'");

        await Eventually.WaitAsync(async () => await StateAsync("storage-node-1") == "completed", "the supervisor to schedule the change and the runner to cut it over");
        Assert.That(await _database.ScalarAsync<string>("SELECT state FROM storage_nodes WHERE node_id='storage-node-1'"), Is.EqualTo("NORMAL"));
        Assert.That(await _database.ScalarAsync<int>($"SELECT progress FROM pending_changes WHERE change_id = '{reply.Change.ChangeId}'"), Is.EqualTo(100));
    }

    [Test]
    public async Task Abort_Bootstrap_RingAsBeforeAndNodeRowGone()
    {
        await SettledClusterAsync(3);
        var before = _coordinator.Get<RingProvider>().Current.Members.Select(m => m.NodeId).ToList();
        await RegisterAsync(4);

        using var aborted = await PostAsync("/api/v1/rebalance/abort", """{"target_node": "storage-node-4"}""");

        Assert.That(aborted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await aborted.Content.ReadAsStringAsync());
        using var json = JsonDocument.Parse(await aborted.Content.ReadAsStringAsync());
        Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("aborted"));
        var task = json.RootElement.GetProperty("cleanup").GetProperty("tasks").EnumerateArray().Single();
        Assert.That(task.GetProperty("node_id").GetString(), Is.EqualTo("storage-node-4"), "the partial copy on the joining node is dropped");
        Assert.That(await _database.ScalarAsync<long>("SELECT COUNT(*) FROM storage_nodes WHERE node_id='storage-node-4'"), Is.Zero);
        Assert.That(_coordinator.Get<RingProvider>().Current.Members.Select(m => m.NodeId), Is.EqualTo(before));
        Assert.That(_coordinator.Get<RingProvider>().Current.Pending.IsEmpty, Is.True, "no pending ranges once the bootstrap is gone");
    }

    [Test]
    public async Task Abort_Decommission_NodeNormalAgainAndGainersScheduledToDrop()
    {
        await SettledClusterAsync(4);
        await _coordinator.Client.RemoveStorageNodeAsync(new RemoveStorageNodeRequest { NodeId = "storage-node-2" });
        Assert.That(await _database.ScalarAsync<string>("SELECT state FROM storage_nodes WHERE node_id='storage-node-2'"), Is.EqualTo("LEAVING"));

        using var aborted = await PostAsync("/api/v1/rebalance/abort", """{"target_node": "storage-node-2"}""");

        Assert.That(aborted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await aborted.Content.ReadAsStringAsync());
        Assert.That(await _database.ScalarAsync<string>("SELECT state FROM storage_nodes WHERE node_id='storage-node-2'"), Is.EqualTo("NORMAL"));
        Assert.That(await _database.ScalarAsync<string>("SELECT status FROM pending_changes WHERE node_id='storage-node-2' AND type='decommission'"), Is.EqualTo("aborted"));
        using var json = JsonDocument.Parse(await aborted.Content.ReadAsStringAsync());
        var gainers = json.RootElement.GetProperty("cleanup").GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("node_id").GetString()).ToList();
        Assert.That(gainers, Is.Not.Empty.And.Not.Contain("storage-node-2"));
        Assert.That(_coordinator.Get<RingProvider>().Current.Pending.IsEmpty, Is.True);
    }

    [Test]
    public async Task Restart_AfterOperatorMarkedItFailed_RunsAgain()
    {
        await SettledClusterAsync(4);
        var removed = await _coordinator.Client.RemoveStorageNodeAsync(new RemoveStorageNodeRequest { NodeId = "storage-node-3" });
        await Eventually.WaitAsync(async () => await StateAsync("storage-node-3") == "copying", "the decommission to be planned (copying)");
        await _database.ScalarAsync<object>($"UPDATE pending_changes SET status='failed' WHERE change_id='{removed.Change.ChangeId}';");
        await Eventually.WaitAsync(async () => await StateAsync("storage-node-3") == "failed", "the change to read failed");

        using var restarted = await PostAsync("/api/v1/rebalance/restart", """{"target_node": "storage-node-3"}""");

        Assert.That(restarted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await restarted.Content.ReadAsStringAsync());
        using var json = JsonDocument.Parse(await restarted.Content.ReadAsStringAsync());
        Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("in_progress"));
        Assert.That(json.RootElement.GetProperty("state").GetString(), Is.EqualTo("copying"));
    }

    [Test]
    public async Task ChangeSource_NewSourceNotAnOldReplica_400Code1000()
    {
        await SettledClusterAsync(5);
        await _coordinator.Client.RemoveStorageNodeAsync(new RemoveStorageNodeRequest { NodeId = "storage-node-2" });
        await Eventually.WaitAsync(async () => await StateAsync("storage-node-2") == "copying", "the decommission to be planned (copying)");

        using var unknown = await PostAsync("/api/v1/rebalance/change-source",
            """{"target_node": "storage-node-2", "old_source": "storage-node-2", "new_source": "storage-node-9"}""");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        using var noStream = await PostAsync("/api/v1/rebalance/change-source",
            """{"target_node": "storage-node-2", "old_source": "storage-node-5", "new_source": "storage-node-1"}""");
        Assert.That(noStream.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "no stream reads from storage-node-5");

        using var notReplica = await PostAsync("/api/v1/rebalance/change-source",
            """{"target_node": "storage-node-2", "old_source": "storage-node-2", "new_source": "storage-node-1"}""");
        Assert.That(notReplica.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await notReplica.Content.ReadAsStringAsync());
        await AssertCode1000Async(notReplica);
    }

    [Test]
    public async Task AbortChange_Grpc_BootstrapAbortedAndUnknownNodeNotFound()
    {
        await RegisterAsync(1);

        var reply = await _coordinator.Client.AbortChangeAsync(new TopologyChangeRequest { NodeId = "storage-node-1" });

        Assert.That(reply.Change.Status, Is.EqualTo("aborted"));
        Assert.That(reply.Change.Type, Is.EqualTo("bootstrap"));
        Assert.That((await _coordinator.Client.ListStorageNodesAsync(new ListStorageNodesRequest())).Nodes, Is.Empty);
        await RpcAssert.FailsAsync(
            () => _coordinator.Client.RestartChangeAsync(new TopologyChangeRequest { NodeId = "storage-node-9" }).ResponseAsync,
            Grpc.Core.StatusCode.NotFound, Contracts.Errors.ErrorCode.InvalidArgument);
    }

    [Test]
    public async Task Status_NodeWithoutChange_404Code1000()
    {
        using var response = await Http.GetAsync("/api/v1/rebalance/status?target_node=storage-node-9");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        await AssertCode1000Async(response);
    }

    [Test]
    public async Task RoutingUpdate_BootstrappingNode_MembersAndOnePendingTarget()
    {
        await SettledClusterAsync(3);
        await RegisterAsync(4);

        using var response = await PostAsync("/api/v1/routing/update", "{}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(json.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetString()),
            Is.EqualTo(new[] { "storage-node-1", "storage-node-2", "storage-node-3" }));
        Assert.That(json.RootElement.GetProperty("pending_targets").GetInt32(), Is.EqualTo(1));
        Assert.That(json.RootElement.GetProperty("ring_version").GetInt64(), Is.Positive);
    }

    private async Task SettledClusterAsync(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await RegisterAsync(i);
        }
        await _coordinator.SettleAsync(_database);
    }

    private Task<AddStorageNodeReply> RegisterAsync(int index) =>
        _coordinator.Client.AddStorageNodeAsync(new AddStorageNodeRequest { NodeId = $"storage-node-{index}", Host = $"127.0.1.{index}", Port = 8001 }).ResponseAsync;

    private async Task<JsonDocument> StatusAsync(string node) =>
        JsonDocument.Parse(await Http.GetStringAsync($"/api/v1/rebalance/status?target_node={node}"));

    private async Task<string?> StateAsync(string node)
    {
        using var json = await StatusAsync(node);
        return json.RootElement.GetProperty("state").GetString();
    }

    private Task<HttpResponseMessage> PostAsync(string path, string body) =>
        Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"));

    private static async Task AssertCode1000Async(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(json.RootElement.GetProperty("error").GetProperty("code").GetInt32(), Is.EqualTo(1000));
    }
}
