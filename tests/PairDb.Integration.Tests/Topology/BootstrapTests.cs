using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Topology.Harness;

namespace PairDb.Integration.Tests.Topology;

/// <summary>Issue 8, test 1: a fourth node joins a live three-node cluster (runbook 5.1).</summary>
[NonParallelizable]
public sealed class BootstrapTests
{
    private const string Joining = "storage-node-4";
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(90);

    [Test]
    public async Task AddStorageNode_WhileWriting_EveryWriteStaysReadableAndOwnershipMovesOnlyAtTheEnd()
    {
        await using var cluster = await TopologyCluster.StartAsync(new TopologySettings { MaxStreamMegabytesPerSecond = 0.5 });
        var ledger = new AcknowledgedWrites();
        await using (var seed = new LoadWriter(cluster.KeyValue, ledger, "seed", valueBytes: 1024))
        {
            await seed.SeedAsync(3000);
        }
        await using var writer = new LoadWriter(cluster.KeyValue, ledger, "live", valueBytes: 256);
        writer.Start(perSecond: 150);
        await using var verifier = new ReadVerifier(cluster.KeyValue, ledger);
        verifier.Start();
        await using var observer = new ChangeObserver(cluster, Joining, "bootstrap");

        var (node, reply) = await cluster.AddNodeAsync(Joining);

        Assert.That(reply.Node.State, Is.EqualTo(NodeState.Bootstrapping), "AddStorageNode answers with the node BOOTSTRAPPING");
        Assert.That(reply.Change.Type, Is.EqualTo("bootstrap"));
        Assert.That(reply.Change.Status, Is.AnyOf("pending", "in_progress"));
        var completed = await cluster.WaitForChangeAsync(Joining, "bootstrap", ChangeTimeout, "completed", "failed");
        Assert.That(completed.Status, Is.EqualTo("completed"), $"the bootstrap completes: {completed}");
        Assert.That(completed.CompletedAt, Is.Not.Null, "completed_at is set");
        await cluster.WaitForNodeStateAsync(Joining, NodeState.Normal, TimeSpan.FromSeconds(10), "after the bootstrap completed");
        // Keep writing and verifying for a while after the cutover: the moment ownership moves is covered too.
        await writer.WaitForMoreAsync(100, TimeSpan.FromSeconds(30));
        await verifier.WaitForSweepsAsync(2, TimeSpan.FromSeconds(60));
        await writer.StopAsync();
        await observer.StopAsync();

        await verifier.AssertNoProblemsAsync("during and after the bootstrap");
        await ReadVerifier.AssertAllReadableAsync(cluster.KeyValue, ledger, "once the bootstrap is done");
        observer.AssertProgressRoseTo100();
        observer.AssertOwnershipMovedOnlyAtCompletion("BOOTSTRAPPING", NodeState.Bootstrapping);
        Assert.That(await cluster.ListedStateAsync(Joining), Is.EqualTo(NodeState.Normal), "ListStorageNodes shows the new node NORMAL");
        var checkedKeys = await TopologyAssertions.AssertNodeHoldsItsKeysAsync(cluster, node, ledger);
        Assert.That(await cluster.CoordinatorMetricAsync("bootstrap_operations_total"), Is.GreaterThanOrEqualTo(1), "bootstrap_operations_total counts the bootstrap");
        Assert.That(await TopologyCluster.NodeMetricAsync(node, "streaming_bytes_transferred_total"), Is.GreaterThan(0), "the new node counts the bytes it received");
        await TestContext.Progress.WriteLineAsync(
            $"bootstrap: {ledger.Count} acknowledged writes ({writer.Failed} live writes failed), {verifier.Sweeps} sweeps / {verifier.Reads} reads, " +
            $"{checkedKeys} keys checked on {Joining}, {observer.ProgressHistory().Distinct().Count()} distinct progress values");
    }
}
