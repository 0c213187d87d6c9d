using PairDb.Testing.Runbook;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using PairDb.Integration.Tests.Topology.Harness;

namespace PairDb.Integration.Tests.Topology;

/// <summary>
/// Issue 8, tests 2 and 6: a node leaves (runbook 5.2), watched with the runbook's psql commands
/// (5.2, 5.3, 5.4: test 9 for a decommission), and the refusal below N.
/// </summary>
[NonParallelizable]
public sealed class DecommissionTests
{
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(90);

    [Test]
    public async Task RemoveStorageNode_WhileWriting_NodeLeavesAfterStreamingAndEveryWriteStaysReadable()
    {
        const string leaving = "storage-node-2";
        // A long grace: the completed decommission must still be waiting for its cleanup when runbook 5.2 step 4 looks.
        await using var cluster = await TopologyCluster.StartAsync(new TopologySettings
        {
            InitialNodes = 4, MaxStreamMegabytesPerSecond = 0.25, CleanupGrace = TimeSpan.FromMinutes(10),
        });
        var ledger = await LoadWriter.SeedNewAsync(cluster.KeyValue, 1000, valueBytes: 3072);
        await using var writer = LoadWriter.StartLive(cluster.KeyValue, ledger);
        await using var verifier = ReadVerifier.StartNew(cluster.KeyValue, ledger);
        await using var observer = new ChangeObserver(cluster, leaving, "decommission");

        var reply = await cluster.RemoveAsync(leaving);

        Assert.That(reply.Node.State, Is.EqualTo(NodeState.Leaving), "RemoveStorageNode answers with the node LEAVING (it stays in the ring while streaming)");
        Assert.That(reply.Change.Type, Is.EqualTo("decommission"));
        await cluster.WaitForCopyingAsync(leaving, "decommission", minimumKeysCopied: 100, TimeSpan.FromSeconds(60));
        var running = Psql.Row(await Psql.RunAsync(cluster.ConnectionString, RunbookSql.DecommissionChanges), reply.Change.ChangeId, "5.2 step 2 during the decommission");
        Assert.That(running["status"], Is.EqualTo("in_progress"), "5.2 step 2 during the decommission");
        var states = await Psql.RunAsync(cluster.ConnectionString, RunbookSql.NodeStates);
        Assert.That(states.Rows.Single(r => r["node_id"] == leaving)["state"], Is.EqualTo("LEAVING"), $"5.3 node states while streaming:\n{states}");
        var completed = await cluster.WaitForChangeAsync(leaving, "decommission", ChangeTimeout, "completed", "cleaned_up", "failed");
        Assert.That(completed.Status, Is.AnyOf("completed", "cleaned_up"), $"the decommission completes (its cleanup waits for the grace period): {completed}");
        await cluster.WaitForNodeGoneAsync(leaving, TimeSpan.FromSeconds(10));
        await writer.WaitForMoreAsync(50, TimeSpan.FromSeconds(30));
        await verifier.WaitForSweepsAsync(1, TimeSpan.FromSeconds(60));
        await writer.StopAsync();
        await observer.StopAsync();

        await verifier.AssertNoProblemsAsync("during and after the decommission");
        await ReadVerifier.AssertAllReadableAsync(cluster.KeyValue, ledger, "once the decommission is done");
        observer.AssertOwnershipMovedOnlyAtCompletion("LEAVING", NodeState.Leaving, listedAfter: NodeState.Unspecified);
        var rows = await cluster.StorageNodeRowsAsync();
        Assert.That(rows.Select(r => r.NodeId), Does.Not.Contain(leaving), "the leaving node's row is deleted at cutover");
        var completedQuery = await Psql.RunAsync(cluster.ConnectionString, RunbookSql.CompletedDecommissions);
        Assert.That(completedQuery.Rows.Select(r => r["change_id"]), Does.Contain(completed.ChangeId), $"runbook 5.2 step 4 lists the completed decommission:\n{completedQuery}");
        Assert.That(completedQuery.Rows.Single(r => r["change_id"] == completed.ChangeId)["completed_at"], Is.Not.Empty, "with its completed_at");
        var left = Psql.Row(await Psql.RunAsync(cluster.ConnectionString, RunbookSql.DecommissionChanges), completed.ChangeId, "5.2 step 2 after the decommission");
        Assert.That((left["status"], left["progress"]), Is.EqualTo(("completed", "100")), "5.2 step 2 after the decommission");
        var stuck = await Psql.RunAsync(cluster.ConnectionString, RunbookSql.CompletedChangesPastGrace);
        Assert.That(stuck.Rows, Is.Empty, $"5.4: nothing is 24 hours past completion:\n{stuck}");
        Assert.That((await Psql.RunAsync(cluster.ConnectionString, RunbookSql.NodeStates)).Rows.Select(r => r["node_id"]), Does.Not.Contain(leaving), "5.3: the node is gone");
        await TopologyAssertions.AssertQuorumOfOwnersHoldAsync(cluster, ledger);
        cluster.Log($"{ledger.Count} acknowledged writes ({writer.Failed} failed), {verifier.Sweeps} sweeps / {verifier.Reads} reads");
        observer.AssertProgressRoseTo100();
    }

    [Test]
    public async Task RemoveStorageNode_WouldLeaveFewerThanN_IsRefusedUnlessForced()
    {
        const string leaving = "storage-node-3";
        await using var cluster = await TopologyCluster.StartAsync();
        var rowsBefore = await cluster.RingDefiningRowsAsync();
        var changesBefore = await cluster.CountChangesAsync();

        var refusal = Assert.ThrowsAsync<RpcException>(async () => await cluster.RemoveAsync(leaving));

        Assert.That(refusal!.GetErrorCode(), Is.EqualTo(ErrorCode.InvalidArgument), "error code 1000");
        Assert.That(refusal.Status.Detail, Does.Contain(leaving).And.Contain("force").And.Contain("replication factor"),
            "the message names the node, why (the replication factor) and the way out (force)");
        Assert.That(await cluster.RingDefiningRowsAsync(), Is.EqualTo(rowsBefore), "storage_nodes is unchanged");
        Assert.That(await cluster.CountChangesAsync(), Is.EqualTo(changesBefore), "no pending_changes row was added");
        Assert.That(await cluster.ListedStateAsync(leaving), Is.EqualTo(NodeState.Normal), "the node is still NORMAL");

        var forced = await cluster.RemoveAsync(leaving, force: true);

        Assert.That(forced.Change.Type, Is.EqualTo("decommission"), "with force the decommission is accepted");
        var completed = await cluster.WaitForChangeAsync(leaving, "decommission", ChangeTimeout, "completed", "cleaned_up", "failed");
        Assert.That(completed.Status, Is.AnyOf("completed", "cleaned_up"), $"the forced decommission completes: {completed}");
        await cluster.WaitForNodeGoneAsync(leaving, TimeSpan.FromSeconds(10));
        Assert.That((await cluster.ListAsync()).Select(n => n.NodeId), Is.EquivalentTo(new[] { "storage-node-1", "storage-node-2" }));
    }
}
