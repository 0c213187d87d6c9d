using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Ring.Movement;
using PairDb.Integration.Tests.Topology.Harness;

namespace PairDb.Integration.Tests.Topology;

/// <summary>
/// Issue 8, test 8: two bootstraps started together. Whether they may run at once depends on the
/// ranges they move, computed here from storage_nodes with the coordinator's RingDiff and
/// RangeOverlap exactly as pending ranges are defined (each BOOTSTRAPPING node against the ring
/// members). The parameters of each case were chosen (with TokenAllocator, deterministic) so that
/// one case moves disjoint ranges and the other overlapping ones.
/// </summary>
[NonParallelizable]
public sealed class ConcurrentBootstrapTests
{
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(120);

    [TestCase(4, 2, 1, 0.1, false, TestName = "TwoBootstraps_DisjointRanges_RunAtOnceAndBothComplete")]
    [TestCase(3, 8, 4, 0.25, true, TestName = "TwoBootstraps_OverlappingRanges_RunOneAfterTheOtherAndBothComplete")]
    public async Task TwoBootstraps(int initialNodes, int virtualNodes, int joiningVirtualNodes, double megabytesPerSecond, bool expectOverlap)
    {
        await using var cluster = await TopologyCluster.StartAsync(new TopologySettings
        {
            InitialNodes = initialNodes, VirtualNodes = virtualNodes, MaxStreamMegabytesPerSecond = megabytesPerSecond,
        });
        var ledger = await LoadWriter.SeedNewAsync(cluster.KeyValue, 1000, valueBytes: 4096);
        await using var writer = LoadWriter.StartLive(cluster.KeyValue, ledger);
        var first = TopologyCluster.NodeName(initialNodes + 1);
        var second = TopologyCluster.NodeName(initialNodes + 2);
        var nodes = await Task.WhenAll(cluster.StartNodeAsync(first), cluster.StartNodeAsync(second));
        await using var watch = new ConcurrencyWatch(cluster, first, second);

        var replies = await Task.WhenAll(cluster.RegisterAsync(nodes[0], joiningVirtualNodes), cluster.RegisterAsync(nodes[1], joiningVirtualNodes));

        var rows = await cluster.StorageNodeRowsAsync();
        var overlap = RangeOverlap.Any(RingView.RangesOf(RingView.MovesOf(rows, first)), RingView.RangesOf(RingView.MovesOf(rows, second)));
        Assert.That(overlap, Is.EqualTo(expectOverlap), "the parameters of this case give the ranges they were chosen for");
        foreach (var name in new[] { first, second })
        {
            var done = await cluster.WaitForChangeAsync(name, "bootstrap", ChangeTimeout, "completed", "failed");
            Assert.That(done.Status, Is.AnyOf("completed", "cleaned_up"), $"the bootstrap of {name} completes: {done}");
            await cluster.WaitForNodeStateAsync(name, NodeState.Normal, TimeSpan.FromSeconds(10), "after its bootstrap completed");
        }
        await watch.StopAsync();
        await writer.StopAsync();

        await TestContext.Progress.WriteLineAsync($"two bootstraps, overlap={overlap}: {watch}; replies {replies[0].Change.Status}/{replies[1].Change.Status}");
        if (overlap)
        {
            Assert.That(watch.BothInProgress, Is.False, $"overlapping changes never run at once: {watch}");
            Assert.That(watch.OnePendingWhileOtherRan, Is.True, $"the later one waits as pending while the other runs: {watch}");
            Assert.That(watch.MaxGauge, Is.LessThanOrEqualTo(1), $"concurrent_bootstraps_gauge stays at most 1: {watch}");
        }
        else
        {
            Assert.That(watch.BothInProgress, Is.True, $"disjoint changes run at once: {watch}");
            Assert.That(watch.MaxGauge, Is.EqualTo(2), $"concurrent_bootstraps_gauge reached 2: {watch}");
        }
        await ReadVerifier.AssertAllReadableAsync(cluster.KeyValue, ledger, "after both bootstraps");
        foreach (var node in nodes)
        {
            await TopologyAssertions.AssertNodeHoldsItsKeysAsync(cluster, node, ledger, sample: 1000);
        }
    }
}
