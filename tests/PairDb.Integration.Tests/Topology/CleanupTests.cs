using PairDb.Testing.Runbook;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using PairDb.Integration.Tests.Topology.Harness;

namespace PairDb.Integration.Tests.Topology;

/// <summary>
/// Issue 8, test 7: cleanup after the grace period deletes a range only where a quorum of its
/// current owners hold it. Four nodes, one decommissioned: afterwards the three others own every
/// range. Clearing two of them before the grace ends leaves no quorum anywhere, so the leaving
/// node's data must survive the cleanup; once reads at ALL have repaired the two, cleanup runs.
/// </summary>
[NonParallelizable]
public sealed class CleanupTests
{
    private const string Leaving = "storage-node-4";

    [Test]
    public async Task Cleanup_QuorumOfOwnersLacksTheData_KeepsItThenDropsItOnceTheOwnersHoldIt()
    {
        var grace = TimeSpan.FromSeconds(8);
        await using var cluster = await TopologyCluster.StartAsync(new TopologySettings { InitialNodes = 4, CleanupGrace = grace });
        var ledger = await LoadWriter.SeedNewAsync(cluster.KeyValue, 1000, valueBytes: 256);
        await cluster.WaitForCleanupsSettledAsync(grace + TimeSpan.FromSeconds(30));
        var ringBefore = await cluster.RingAsync();
        var onLeaving = ledger.Snapshot().Where(w => RingView.ReplicasOf(ringBefore, w.Key).Contains(Leaving)).ToArray();
        var leavingNode = cluster.Node(Leaving);
        Assert.That(await TopologyCluster.CountHeldAsync(leavingNode, onLeaving), Is.EqualTo(onLeaving.Length), $"{Leaving} holds its keys before it leaves");
        var failedBefore = await cluster.CoordinatorMetricAsync("cleanup_failed_safety_check_total");
        var executedBefore = await cluster.CoordinatorMetricAsync("cleanup_executed_total");

        await cluster.RemoveAsync(Leaving);
        var completed = await cluster.WaitForChangeAsync(Leaving, "decommission", TimeSpan.FromSeconds(60), "completed", "cleaned_up", "failed");
        Assert.That(completed.Status, Is.AnyOf("completed", "cleaned_up"), $"the decommission completed and its cleanup waits for the grace period: {completed}");
        Assert.That(DateTimeOffset.UtcNow - completed.CompletedAt!.Value, Is.LessThan(grace - TimeSpan.FromSeconds(2)), "there is time left to clear the owners before the grace ends");
        foreach (var owner in new[] { "storage-node-1", "storage-node-2" })
        {
            var clear = await TopologyCluster.ClearAllAsync(cluster.Node(owner));
            Assert.That((int)clear.Status, Is.EqualTo(200), $"clear-all on {owner}: {clear}");
        }

        await Until.DoneAsync(async () =>
        {
            var failed = await cluster.CoordinatorMetricAsync("cleanup_failed_safety_check_total");
            return (failed > failedBefore, $"cleanup_failed_safety_check_total {failed}");
        }, "the cleanup's safety check to fail (a quorum of the owners lacks the ranges)", grace + TimeSpan.FromSeconds(30));
        var refused = await cluster.ChangeAsync(Leaving, "decommission");
        Assert.That(refused.Status, Is.EqualTo("completed"), $"the change stays completed, not cleaned_up: {refused}");
        Assert.That(refused.CleanupStatus, Is.EqualTo("failed_safety_check"), $"details.cleanup.status says why: {refused.Details["cleanup"]}");
        Assert.That(await cluster.CoordinatorMetricAsync("cleanup_executed_total"), Is.EqualTo(executedBefore), "nothing was cleaned up");
        Assert.That(await TopologyCluster.CountHeldAsync(leavingNode, onLeaving), Is.EqualTo(onLeaving.Length), $"{Leaving} still holds every key it had");

        // Reads at ALL find the one owner that kept each key and repair the two that were cleared.
        foreach (var (key, _) in ledger.Snapshot())
        {
            await cluster.KeyValue.GetAsync(new GetRequest { TenantId = TopologyCluster.Tenant, Key = Rpc.Bytes(key), Consistency = Consistency.All });
        }
        foreach (var owner in new[] { "storage-node-1", "storage-node-2" })
        {
            await Until.DoneAsync(async () =>
            {
                var held = await TopologyCluster.CountHeldAsync(cluster.Node(owner), ledger.Snapshot());
                return (held == ledger.Count, $"{held} of {ledger.Count}");
            }, $"read repair to restore every key on {owner}", TimeSpan.FromSeconds(60));
        }

        var cleaned = await cluster.WaitForChangeAsync(Leaving, "decommission", TimeSpan.FromSeconds(60), "cleaned_up");
        Assert.That(await cluster.CoordinatorMetricAsync("cleanup_executed_total"), Is.GreaterThan(executedBefore), "cleanup_executed_total counts the cleanup");
        Assert.That(cleaned.CleanupStatus, Is.EqualTo("executed"), $"details.cleanup: {cleaned.Details["cleanup"]}");
        Assert.That(await TopologyCluster.CountHeldAsync(leavingNode, onLeaving), Is.Zero, $"the cleanup dropped {Leaving}'s data");
        await ReadVerifier.AssertAllReadableAsync(cluster.KeyValue, ledger, "after the cleanup");
        var stuck = await Psql.RunAsync(cluster.ConnectionString, RunbookSql.CompletedChangesPastGrace);
        Assert.That(stuck.Rows, Is.Empty, $"runbook 5.4: no change is stuck in completed:\n{stuck}");
    }
}
