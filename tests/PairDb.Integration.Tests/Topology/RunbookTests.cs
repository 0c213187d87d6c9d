using Grpc.Core;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Topology.Harness;

namespace PairDb.Integration.Tests.Topology;

/// <summary>
/// Issue 8, test 9: the psql commands of runbook section 5 (5.1-5.4), run with the real psql client
/// and the runbook's SQL as printed, answer what the runbook says they answer during and after a
/// bootstrap and a decommission, and the 5.4 forced rollback stops a change for good.
/// </summary>
[NonParallelizable]
public sealed class RunbookTests
{
    private const string Joining = "storage-node-4";
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(90);

    [Test]
    public async Task RunbookQueries_DuringAndAfterBootstrapAndDecommission_ShowTheChanges()
    {
        // A long grace, so that the completed decommission is still waiting for its cleanup when 5.2 step 4 looks.
        await using var cluster = await TopologyCluster.StartAsync(new TopologySettings { MaxStreamMegabytesPerSecond = 0.25, CleanupGrace = TimeSpan.FromMinutes(10) });
        var ledger = new AcknowledgedWrites();
        await using (var seed = new LoadWriter(cluster.KeyValue, ledger, "seed", valueBytes: 1024))
        {
            await seed.SeedAsync(2000);
        }
        var psql = (string sql) => Psql.RunAsync(cluster.ConnectionString, sql);

        var added = await cluster.AddNodeAsync(Joining);
        var bootstrapId = added.Reply.Change.ChangeId;
        await cluster.WaitForCopyingAsync(Joining, "bootstrap", minimumKeysCopied: 100, TimeSpan.FromSeconds(60));

        var running = Row(await psql(RunbookSql.BootstrapChanges), bootstrapId, "5.1 step 2 during the bootstrap");
        Assert.That(running["type"], Is.EqualTo("bootstrap"));
        Assert.That(running["status"], Is.EqualTo("in_progress"));
        Assert.That(int.Parse(running["progress"], System.Globalization.CultureInfo.InvariantCulture), Is.InRange(0, 99));
        var active = Row(await psql(RunbookSql.ActiveTopologyChanges), bootstrapId, "5.3 active topology changes");
        Assert.That(active["node_id"], Is.EqualTo(Joining));
        Assert.That(double.Parse(active["duration_seconds"], System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(0));
        var states = await psql(RunbookSql.NodeStates);
        Assert.That(states.Rows.Select(r => r["node_id"]), Is.EqualTo(new[] { "storage-node-1", "storage-node-2", "storage-node-3", Joining }), "5.3 node states, ordered by created_at");
        Assert.That(states.Rows[^1]["state"], Is.EqualTo("BOOTSTRAPPING"));
        var stuck = Row(await psql(RunbookSql.Fill(RunbookSql.StuckBootstrap, nodeId: Joining)), bootstrapId, "5.4 diagnosis of a bootstrap");
        Assert.That(stuck["status"], Is.EqualTo("in_progress"));
        Assert.That(stuck.Keys, Is.SupersetOf(new[] { "change_id", "type", "node_id", "status", "progress", "start_time", "completed_at" }));

        await cluster.WaitForChangeAsync(Joining, "bootstrap", ChangeTimeout, "completed");
        var done = Row(await psql(RunbookSql.BootstrapChanges), bootstrapId, "5.1 step 2 after the bootstrap");
        Assert.That((done["status"], done["progress"]), Is.EqualTo(("completed", "100")));
        Assert.That((await psql(RunbookSql.ActiveTopologyChanges)).Rows, Is.Empty, "5.3: no active change once it completed");
        Assert.That((await psql(RunbookSql.NormalNodes)).Rows.Select(r => r["node_id"]),
            Is.EquivalentTo(new[] { "storage-node-1", "storage-node-2", "storage-node-3", Joining }), "5.4: every node NORMAL");

        var removed = await cluster.RemoveAsync(Joining);
        var decommissionId = removed.Change.ChangeId;
        var leaving = Row(await psql(RunbookSql.DecommissionChanges), decommissionId, "5.2 step 2 during the decommission");
        Assert.That(leaving["status"], Is.AnyOf("pending", "in_progress"), "5.2 step 2: the decommission is under way (its streaming is capped)");
        Assert.That((await psql(RunbookSql.NodeStates)).Rows.Where(r => r["node_id"] == Joining).Select(r => r["state"]),
            Is.EqualTo(new[] { "LEAVING" }), "5.3: the node is LEAVING while its ranges stream away");
        await cluster.WaitForChangeAsync(Joining, "decommission", ChangeTimeout, "completed");
        var left = Row(await psql(RunbookSql.DecommissionChanges), decommissionId, "5.2 step 2 after the decommission");
        Assert.That(left["progress"], Is.EqualTo("100"));
        var scheduled = await psql(RunbookSql.CompletedDecommissions);
        Assert.That(scheduled.Rows.Select(r => r["change_id"]), Does.Contain(decommissionId), $"5.2 step 4 lists the decommission while its cleanup waits:\n{scheduled}");
        Assert.That((await psql(RunbookSql.CompletedChangesPastGrace)).Rows, Is.Empty, "5.4: nothing is 24 hours past completion");
        Assert.That((await psql(RunbookSql.NodeStates)).Rows.Select(r => r["node_id"]), Does.Not.Contain(Joining), "5.3: the node is gone");
        var hints = await psql(RunbookSql.HintBacklog);
        Assert.That(hints.Columns, Is.EqualTo(new[] { "target_node_id", "hint_count", "oldest_hint", "newest_hint" }), "5.3 hint backlog runs");
        await ReadVerifier.AssertAllReadableAsync(cluster.KeyValue, ledger, "after the bootstrap and the decommission");
    }

    [Test]
    public async Task ForcedRollback_UpdateFailedThenDeleteNode_StopsTheBootstrapAndRestoresTheRing()
    {
        await using var cluster = await TopologyCluster.StartAsync(new TopologySettings { MaxStreamMegabytesPerSecond = 0.05 });
        var ledger = new AcknowledgedWrites();
        await using (var seed = new LoadWriter(cluster.KeyValue, ledger, "seed", valueBytes: 1024))
        {
            await seed.SeedAsync(2000);
        }
        var rowsBefore = await cluster.RingDefiningRowsAsync();
        await using var writer = new LoadWriter(cluster.KeyValue, ledger, "live", valueBytes: 256);
        writer.Start(perSecond: 100);
        await using var verifier = new ReadVerifier(cluster.KeyValue, ledger);
        verifier.Start();
        var (_, reply) = await cluster.AddNodeAsync(Joining);
        await cluster.WaitForCopyingAsync(Joining, "bootstrap", minimumKeysCopied: 50, TimeSpan.FromSeconds(60));
        var psql = (string sql) => Psql.RunAsync(cluster.ConnectionString, sql);

        var failed = await psql(RunbookSql.Fill(RunbookSql.ForceRollback, changeId: reply.Change.ChangeId));
        var deleted = await psql(RunbookSql.Fill(RunbookSql.RemoveNodeMetadata, nodeId: Joining));
        var routing = await cluster.Operator.PostAsync("/api/v1/routing/update");

        Assert.That(failed.Output.Trim(), Is.EqualTo("UPDATE 1"), "5.4: the change is marked failed");
        Assert.That(deleted.Output.Trim(), Is.EqualTo("DELETE 1"), "5.4: the node's row is removed");
        Assert.That((int)routing.Status, Is.EqualTo(200), $"POST /api/v1/routing/update: {routing}");
        Assert.That((int?)routing.Body?["pending_targets"], Is.Zero, $"no pending ranges remain: {routing}");
        var notFound = Assert.ThrowsAsync<RpcException>(async () =>
            await cluster.Admin.GetStorageNodeStatusAsync(new GetStorageNodeStatusRequest { NodeId = Joining }));
        Assert.That(notFound!.StatusCode, Is.EqualTo(StatusCode.NotFound), "the coordinator no longer knows the node");
        // Let time pass the way the cluster measures it (writes, full read sweeps), then check that
        // the runner did not come back: no progress overwrote 'failed', no cutover re-created the row.
        await writer.WaitForMoreAsync(200, TimeSpan.FromSeconds(30));
        await verifier.WaitForSweepsAsync(2, TimeSpan.FromSeconds(60));
        var change = await cluster.ChangeAsync(Joining, "bootstrap");
        Assert.That(change.Status, Is.EqualTo("failed"), $"the runner stopped: {change}");
        Assert.That(await cluster.RingDefiningRowsAsync(), Is.EqualTo(rowsBefore), "storage_nodes is back to the rows before the bootstrap");
        await writer.StopAsync();
        await verifier.AssertNoProblemsAsync("through the forced rollback");
        await ReadVerifier.AssertAllReadableAsync(cluster.KeyValue, ledger, "after the forced rollback");
    }

    private static IReadOnlyDictionary<string, string> Row(PsqlResult result, string changeId, string what)
    {
        var rows = result.Rows.Where(r => r.TryGetValue("change_id", out var id) && id == changeId).ToList();
        Assert.That(rows, Has.Count.EqualTo(1), $"runbook {what} shows change {changeId}:\n{result}");
        return rows[0];
    }
}
