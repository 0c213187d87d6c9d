using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Topology.Harness;

namespace PairDb.Integration.Tests.Topology;

/// <summary>Issue 8, test 5: abort rolls a bootstrap back to exactly the ring before it (runbook 3.4).</summary>
[NonParallelizable]
public sealed class AbortTests
{
    private const string Joining = "storage-node-4";

    [Test]
    public async Task Abort_MidBootstrap_RestoresTheRingExactlyAndClearsTheTarget()
    {
        await using var cluster = await TopologyCluster.StartAsync(new TopologySettings { MaxStreamMegabytesPerSecond = 0.25 });
        var ledger = await LoadWriter.SeedNewAsync(cluster.KeyValue, 1000, valueBytes: 3072);
        var seeded = ledger.Snapshot();
        await using var writer = LoadWriter.StartLive(cluster.KeyValue, ledger);
        await using var verifier = ReadVerifier.StartNew(cluster.KeyValue, ledger);
        var rowsBefore = await cluster.RingDefiningRowsAsync();
        var listedBefore = (await cluster.ListAsync()).Select(n => $"{n.NodeId} {n.State}").ToList();
        var (node, _) = await cluster.AddNodeAsync(Joining);
        await cluster.WaitForCopyingAsync(Joining, "bootstrap", minimumKeysCopied: 200, TimeSpan.FromSeconds(60));
        Assert.That(await TopologyCluster.CountHeldAsync(node, seeded), Is.GreaterThan(0), "the target holds partial data before the abort");

        var abort = await cluster.Operator.PostAsync("/api/v1/rebalance/abort", new { target_node = Joining });

        Assert.That((int)abort.Status, Is.EqualTo(200), $"POST /api/v1/rebalance/abort: {abort}");
        Assert.That((string?)abort.Body?["status"], Is.EqualTo("aborted"), $"the answer is the change, aborted: {abort}");
        await cluster.WaitForChangeAsync(Joining, "bootstrap", TimeSpan.FromSeconds(30), "aborted");
        Assert.That(await cluster.RingDefiningRowsAsync(), Is.EqualTo(rowsBefore), "storage_nodes rows and tokens equal those before the change");
        Assert.That((await cluster.ListAsync()).Select(n => $"{n.NodeId} {n.State}"), Is.EquivalentTo(listedBefore), "ListStorageNodes equals the list before the change");
        await Until.DoneAsync(async () =>
        {
            var held = await TopologyCluster.CountHeldAsync(node, seeded);
            return (held == 0, $"{held} of {seeded.Length} seeded keys still on {Joining}");
        }, $"the partial data on {Joining} to be cleared", TimeSpan.FromSeconds(30));
        var routing = await cluster.Operator.PostAsync("/api/v1/routing/update");
        Assert.That((int)routing.Status, Is.EqualTo(200), $"POST /api/v1/routing/update: {routing}");
        Assert.That((int?)routing.Body?["pending_targets"], Is.Zero, $"no range is pending any more: {routing}");
        Assert.That(routing.Body?["members"]?.AsArray().Select(m => m is System.Text.Json.Nodes.JsonValue ? (string?)m : (string?)m?["node_id"]),
            Is.EquivalentTo(new[] { "storage-node-1", "storage-node-2", "storage-node-3" }), $"the ring members are the three original nodes: {routing}");
        // Runbook 3.4 step 2: the operator's own clear-all is harmless after the rollback.
        var clear = await TopologyCluster.ClearAllAsync(node);
        Assert.That((int)clear.Status, Is.EqualTo(200), $"POST /api/v1/data/clear-all on the target: {clear}");

        await writer.WaitForMoreAsync(100, TimeSpan.FromSeconds(30));
        await verifier.WaitForSweepsAsync(1, TimeSpan.FromSeconds(60));
        await writer.StopAsync();
        await verifier.AssertNoProblemsAsync("before, during and after the abort");
        await ReadVerifier.AssertAllReadableAsync(cluster.KeyValue, ledger, "after the abort");
        Assert.That(await cluster.ListedStateAsync(Joining), Is.Null, "the aborted node is no longer registered");
    }
}
