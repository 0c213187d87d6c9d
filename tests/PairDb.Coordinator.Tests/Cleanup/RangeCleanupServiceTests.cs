using PairDb.Testing.Runbook;
using System.Text.Json.Nodes;
using PairDb.Client.Tooling;
using PairDb.Coordinator.Cleanup;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Tests.Support;

namespace PairDb.Coordinator.Tests.Cleanup;

/// <summary>The cleanup pass against real pending_changes rows (no storage nodes: the node-side RPCs are tested with the nodes).</summary>
[NonParallelizable]
public sealed class RangeCleanupServiceTests
{
    private MetadataDatabase _database = null!;
    private InProcessCoordinator _coordinator = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _database = await MetadataDatabase.CreateAsync();
        _coordinator = await InProcessCoordinator.StartAsync(_database.ConnectionString, settings: new Dictionary<string, string>
        {
            // The scheduled job must not race the passes these tests make by hand.
            ["PairDb:Topology:CleanupRetryInterval"] = "01:00:00",
            ["PairDb:Topology:CleanupMaxAttemptsOnGoneNode"] = "2",
            ["PairDb:Topology:CleanupCallTimeout"] = "00:00:05",
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
    public async Task RunOnce_GoneNodeUnreachable_RetriesThenSkipsAndCleansUp()
    {
        var deadPort = FreePort.Next(1)[0];
        await RegisterOwnersAsync();
        await InsertCompletedAsync("c-gone", DateTimeOffset.UtcNow.AddMinutes(-1), deadPort);
        var cleanup = _coordinator.Get<RangeCleanupService>();

        var first = await cleanup.RunOnceAsync();

        Assert.That(first.TasksUnreachable, Is.EqualTo(1));
        var afterFirst = await CleanupOfAsync("c-gone");
        Assert.That(afterFirst["status"]!.GetValue<string>(), Is.EqualTo("scheduled"), "an unreachable node is not a failed safety check");
        Assert.That(afterFirst["attempts"]!.GetValue<int>(), Is.EqualTo(1));
        Assert.That(afterFirst["last_error"]!.GetValue<string>(), Does.Contain("gone-node unreachable"));
        Assert.That(await StatusOfAsync("c-gone"), Is.EqualTo(ChangeStatuses.Completed));

        var second = await cleanup.RunOnceAsync();

        Assert.That(second.ChangesCleanedUp, Is.EqualTo(1));
        var cleaned = await CleanupOfAsync("c-gone");
        Assert.That(cleaned["status"]!.GetValue<string>(), Is.EqualTo("executed"));
        Assert.That(cleaned["tasks"]![0]!["status"]!.GetValue<string>(), Is.EqualTo("skipped_node_gone"));
        Assert.That(await StatusOfAsync("c-gone"), Is.EqualTo(ChangeStatuses.CleanedUp));
        Assert.That(await _database.QueryAsync(RunbookSql.CompletedChangesPastGrace), Is.Empty, "the runbook's stuck-cleanup query no longer lists it");
        Assert.That((await cleanup.RunOnceAsync()).ChangesDue, Is.Zero, "a cleaned-up change is not looked at again");
    }

    [Test]
    public async Task RunOnce_EmptyRing_FailsTheSafetyCheckAndKeepsTheData()
    {
        await InsertCompletedAsync("c-alone", DateTimeOffset.UtcNow.AddMinutes(-1), FreePort.Next(1)[0]);

        var summary = await _coordinator.Get<RangeCleanupService>().RunOnceAsync();

        Assert.That(summary.TasksFailedSafetyCheck, Is.EqualTo(1));
        var cleanup = await CleanupOfAsync("c-alone");
        Assert.That(cleanup["status"]!.GetValue<string>(), Is.EqualTo("failed_safety_check"));
        Assert.That(cleanup["last_error"]!.GetValue<string>(), Does.Contain("gone-node: no current owner"));
        Assert.That(cleanup["tasks"]![0]!["status"]!.GetValue<string>(), Is.EqualTo("scheduled"));
        _coordinator.Get<Coordinator.Telemetry.CleanupMetrics>().CleanupScheduled();
        var metrics = await _coordinator.Http.GetStringAsync("/metrics");
        Assert.That(metrics, Does.Contain("cleanup_failed_safety_check_total"), metrics);
        Assert.That(metrics, Does.Contain("cleanup_quorum_verification_duration_seconds_count"));
        Assert.That(metrics, Does.Contain("cleanup_scheduled_total"));
    }

    [Test]
    public async Task RunOnce_NotDueYet_LeavesTheChangeAlone()
    {
        await InsertCompletedAsync("c-later", DateTimeOffset.UtcNow.AddHours(1), FreePort.Next(1)[0]);

        var summary = await _coordinator.Get<RangeCleanupService>().RunOnceAsync();

        Assert.That(summary.ChangesDue, Is.Zero);
        Assert.That((await CleanupOfAsync("c-later"))["attempts"]!.GetValue<int>(), Is.Zero);
    }

    [Test]
    public async Task TryWrite_StaleExpectedCleanup_IsRefused()
    {
        await InsertCompletedAsync("c-cas", DateTimeOffset.UtcNow, 1);
        var store = _coordinator.Get<CleanupStore>();
        var candidate = (await store.LoadCandidatesAsync(CancellationToken.None)).Single(c => c.ChangeId == "c-cas");
        var plan = CleanupPlan.Parse(candidate.CleanupJson);
        plan.Attempts = 7;

        Assert.That(await store.TryWriteAsync("c-cas", candidate.CleanupJson, plan.ToJson(), cleanedUp: false, CancellationToken.None), Is.True);
        Assert.That(await store.TryWriteAsync("c-cas", candidate.CleanupJson, plan.ToJson(), cleanedUp: true, CancellationToken.None), Is.False,
            "the second writer read the old state");
        Assert.That((await CleanupOfAsync("c-cas"))["attempts"]!.GetValue<int>(), Is.EqualTo(7));
        Assert.That(await StatusOfAsync("c-cas"), Is.EqualTo(ChangeStatuses.Completed));
        Assert.That((await DetailsOfAsync("c-cas"))["phase"]!.GetValue<string>(), Is.EqualTo("done"), "the rest of details is kept");
    }

    [Test]
    public async Task RunOnce_OperatorFailedTheChange_IsNotTouched()
    {
        await InsertCompletedAsync("c-failed", DateTimeOffset.UtcNow.AddMinutes(-1), FreePort.Next(1)[0]);
        await _database.ScalarAsync<int>("UPDATE pending_changes SET status = 'failed' WHERE change_id = 'c-failed' RETURNING 1");

        var summary = await _coordinator.Get<RangeCleanupService>().RunOnceAsync();

        Assert.That(summary.ChangesDue, Is.Zero);
    }

    /// <summary>Three ring members (at addresses nobody listens on) that own the task's range (100, 200].</summary>
    private async Task RegisterOwnersAsync()
    {
        await using (var db = _database.CreateContext())
        {
            for (var i = 1; i <= 3; i++)
            {
                db.StorageNodes.Add(new StorageNodeRecord
                {
                    NodeId = $"owner-{i}", Host = "127.0.0.1", GrpcPort = FreePort.Next(1)[0], HttpPort = 1, VirtualNodes = 1,
                    Tokens = [i * 1000L], State = NodeStates.Normal, Status = NodeStatuses.Up,
                });
            }
            await db.SaveChangesAsync();
        }
        await _coordinator.Get<Coordinator.Topology.NodeRegistry>().ReloadAsync(CancellationToken.None);
    }

    private async Task InsertCompletedAsync(string changeId, DateTimeOffset dueAt, int port)
    {
        var details = new JsonObject
        {
            ["phase"] = "done",
            ["cleanup"] = new JsonObject
            {
                ["due_at"] = dueAt.ToString("O"),
                ["status"] = "scheduled",
                ["attempts"] = 0,
                ["last_error"] = null,
                ["tasks"] = new JsonArray(new JsonObject
                {
                    ["node_id"] = "gone-node", ["host"] = "127.0.0.1", ["grpc_port"] = port,
                    ["ranges"] = new JsonArray(new JsonArray(100UL, 200UL)), ["status"] = "scheduled", ["keys_dropped"] = 0,
                }),
            },
        };
        await using var db = _database.CreateContext();
        db.PendingChanges.Add(new PendingChangeRecord
        {
            ChangeId = changeId, Type = ChangeTypes.Decommission, NodeId = "gone-node", Status = ChangeStatuses.Completed, Progress = 100,
            StartTime = DateTimeOffset.UtcNow.AddDays(-2), CompletedAt = DateTimeOffset.UtcNow.AddDays(-2), Details = details.ToJsonString(),
            UpdatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    private async Task<JsonNode> DetailsOfAsync(string changeId) =>
        JsonNode.Parse((await _database.ScalarAsync<string>($"SELECT details::text FROM pending_changes WHERE change_id = '{changeId}'"))!)!;

    private async Task<JsonNode> CleanupOfAsync(string changeId) => (await DetailsOfAsync(changeId))["cleanup"]!;

    private async Task<string?> StatusOfAsync(string changeId) =>
        await _database.ScalarAsync<string>($"SELECT status FROM pending_changes WHERE change_id = '{changeId}'");
}
