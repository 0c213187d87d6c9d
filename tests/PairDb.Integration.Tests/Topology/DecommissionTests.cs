using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using PairDb.Integration.Tests.Topology.Harness;

namespace PairDb.Integration.Tests.Topology;

/// <summary>Issue 8, tests 2 and 6: a node leaves (runbook 5.2), and the refusal below N.</summary>
[NonParallelizable]
public sealed class DecommissionTests
{
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(90);

    [Test]
    public async Task RemoveStorageNode_WhileWriting_NodeLeavesAfterStreamingAndEveryWriteStaysReadable()
    {
        const string leaving = "storage-node-2";
        await using var cluster = await TopologyCluster.StartAsync(new TopologySettings { InitialNodes = 4, MaxStreamMegabytesPerSecond = 0.5 });
        var ledger = new AcknowledgedWrites();
        await using (var seed = new LoadWriter(cluster.KeyValue, ledger, "seed", valueBytes: 1024))
        {
            await seed.SeedAsync(3000);
        }
        await using var writer = new LoadWriter(cluster.KeyValue, ledger, "live", valueBytes: 256);
        writer.Start(perSecond: 150);
        await using var verifier = new ReadVerifier(cluster.KeyValue, ledger);
        verifier.Start();
        await using var observer = new ChangeObserver(cluster, leaving, "decommission");

        var reply = await cluster.RemoveAsync(leaving);

        Assert.That(reply.Node.State, Is.EqualTo(NodeState.Leaving), "RemoveStorageNode answers with the node LEAVING (it stays in the ring while streaming)");
        Assert.That(reply.Change.Type, Is.EqualTo("decommission"));
        var completed = await cluster.WaitForChangeAsync(leaving, "decommission", ChangeTimeout, "completed", "cleaned_up", "failed");
        Assert.That(completed.Status, Is.AnyOf("completed", "cleaned_up"), $"the decommission completes: {completed}");
        await cluster.WaitForNodeGoneAsync(leaving, TimeSpan.FromSeconds(10));
        await writer.WaitForMoreAsync(100, TimeSpan.FromSeconds(30));
        await verifier.WaitForSweepsAsync(2, TimeSpan.FromSeconds(60));
        await writer.StopAsync();
        await observer.StopAsync();

        await verifier.AssertNoProblemsAsync("during and after the decommission");
        await ReadVerifier.AssertAllReadableAsync(cluster.KeyValue, ledger, "once the decommission is done");
        observer.AssertProgressRoseTo100();
        observer.AssertOwnershipMovedOnlyAtCompletion("LEAVING", NodeState.Leaving);
        var rows = await cluster.StorageNodeRowsAsync();
        Assert.That(rows.Select(r => r.NodeId), Does.Not.Contain(leaving), "the leaving node's row is deleted at cutover");
        var completedQuery = await Psql.RunAsync(cluster.ConnectionString, RunbookSql.CompletedDecommissions);
        Assert.That(completedQuery.Rows.Select(r => r["change_id"]), Does.Contain(completed.ChangeId), $"runbook 5.2 step 4 lists the completed decommission:\n{completedQuery}");
        Assert.That(completedQuery.Rows.Single(r => r["change_id"] == completed.ChangeId)["completed_at"], Is.Not.Empty, "with its completed_at");
        await TopologyAssertions.AssertQuorumOfOwnersHoldAsync(cluster, ledger);
        await TestContext.Progress.WriteLineAsync(
            $"decommission: {ledger.Count} acknowledged writes ({writer.Failed} failed), {verifier.Sweeps} sweeps / {verifier.Reads} reads");
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
