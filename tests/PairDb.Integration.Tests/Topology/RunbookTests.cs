using PairDb.Testing.Runbook;
using Grpc.Core;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Topology.Harness;

namespace PairDb.Integration.Tests.Topology;

/// <summary>
/// Issue 8, test 9 (with the psql checks of BootstrapTests and DecommissionTests): runbook 5.4's
/// forced rollback, run with the real psql client and the SQL as printed, stops a change for good.
/// </summary>
[NonParallelizable]
public sealed class RunbookTests
{
    private const string Joining = "storage-node-4";

    [Test]
    public async Task ForcedRollback_UpdateFailedThenDeleteNode_StopsTheBootstrapAndRestoresTheRing()
    {
        await using var cluster = await TopologyCluster.StartAsync(new TopologySettings { MaxStreamMegabytesPerSecond = 0.1 });
        var ledger = await LoadWriter.SeedNewAsync(cluster.KeyValue, 1000, valueBytes: 3072);
        var rowsBefore = await cluster.RingDefiningRowsAsync();
        await using var writer = LoadWriter.StartLive(cluster.KeyValue, ledger);
        await using var verifier = ReadVerifier.StartNew(cluster.KeyValue, ledger);
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
        await writer.WaitForMoreAsync(100, TimeSpan.FromSeconds(30));
        await verifier.WaitForSweepsAsync(1, TimeSpan.FromSeconds(60));
        var change = await cluster.ChangeAsync(Joining, "bootstrap");
        Assert.That(change.Status, Is.EqualTo("failed"), $"the runner stopped: {change}");
        Assert.That(await cluster.RingDefiningRowsAsync(), Is.EqualTo(rowsBefore), "storage_nodes is back to the rows before the bootstrap");
        await writer.StopAsync();
        await verifier.AssertNoProblemsAsync("through the forced rollback");
        await ReadVerifier.AssertAllReadableAsync(cluster.KeyValue, ledger, "after the forced rollback");
    }
}
