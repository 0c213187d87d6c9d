using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Topology.Harness;

namespace PairDb.Integration.Tests.Topology;

/// <summary>
/// Issue 8, tests 3 and 4: SIGKILL in the middle of streaming (crash safety, runbook 3.2). The
/// stream is capped so that "the middle" lasts seconds; the test kills once a stream has persisted
/// a resume point, then checks that the change finishes from there rather than from the start.
/// </summary>
[NonParallelizable]
public sealed class CrashTests
{
    private const string Joining = "storage-node-4";
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(120);

    [Test]
    public async Task KillCoordinator_MidStream_RestartedCoordinatorResumesAndCompletesTheBootstrap()
    {
        await using var cluster = await TopologyCluster.StartAsync(new TopologySettings { MaxStreamMegabytesPerSecond = 0.25 });
        var ledger = new AcknowledgedWrites();
        await using (var seed = new LoadWriter(cluster.KeyValue, ledger, "seed", valueBytes: 3072))
        {
            await seed.SeedAsync(1000);
        }
        await using var writer = new LoadWriter(cluster.KeyValue, ledger, "live", valueBytes: 256);
        writer.Start(perSecond: 100);
        await using var verifier = new ReadVerifier(cluster.KeyValue, ledger);
        verifier.Start();
        await using var observer = new ChangeObserver(cluster, Joining, "bootstrap");
        var (node, _) = await cluster.AddNodeAsync(Joining);
        await cluster.WaitForCopyingAsync(Joining, "bootstrap", minimumKeysCopied: 200, TimeSpan.FromSeconds(60));

        verifier.Pause();
        cluster.KillCoordinator();
        cluster.Log("coordinator killed");
        var atKill = await cluster.ChangeAsync(Joining, "bootstrap");
        Assert.That(atKill.Status, Is.EqualTo("in_progress"), $"the coordinator died in the middle of the change: {atKill}");
        await cluster.StartCoordinatorAsync();
        cluster.Log("coordinator restarted");
        await verifier.ResumeAsync(TimeSpan.FromSeconds(30));

        var resumed = new StreamResumeCheck(atKill);
        await Until.DoneAsync(async () =>
        {
            var row = await cluster.ChangeAsync(Joining, "bootstrap");
            resumed.Observe(row);
            return (row.Status is "completed" or "failed", row.ToString());
        }, "the bootstrap to finish after the coordinator restarted", ChangeTimeout);
        var final = await cluster.ChangeAsync(Joining, "bootstrap");
        Assert.That(final.Status, Is.EqualTo("completed"), $"the restarted coordinator completes the change: {final}");
        await cluster.WaitForNodeStateAsync(Joining, NodeState.Normal, TimeSpan.FromSeconds(10), "after the bootstrap completed");
        await verifier.WaitForSweepsAsync(1, TimeSpan.FromSeconds(60));
        await writer.StopAsync();
        await observer.StopAsync();

        resumed.AssertResumed();
        await verifier.AssertNoProblemsAsync("before the kill and after the restart");
        await ReadVerifier.AssertAllReadableAsync(cluster.KeyValue, ledger, "after the coordinator crash");
        observer.AssertOwnershipMovedOnlyAtCompletion("BOOTSTRAPPING", NodeState.Bootstrapping, listedAfter: NodeState.Normal);
        await TopologyAssertions.AssertNodeHoldsItsKeysAsync(cluster, node, ledger);
        await TestContext.Progress.WriteLineAsync($"coordinator kill: at kill {atKill.KeysCopied} keys copied; {resumed}");
        Assert.That(observer.ProgressHistory(), Is.Ordered, $"progress never decreases across the restart:\n{observer.Describe()}");
    }

    [Test]
    public async Task KillTargetNode_MidStream_StreamingPausesThenResumesAndCompletes()
    {
        await using var cluster = await TopologyCluster.StartAsync(new TopologySettings { MaxStreamMegabytesPerSecond = 0.25 });
        var ledger = new AcknowledgedWrites();
        await using (var seed = new LoadWriter(cluster.KeyValue, ledger, "seed", valueBytes: 3072))
        {
            await seed.SeedAsync(1000);
        }
        await using var writer = new LoadWriter(cluster.KeyValue, ledger, "live", valueBytes: 256);
        writer.Start(perSecond: 100);
        await using var verifier = new ReadVerifier(cluster.KeyValue, ledger);
        verifier.Start();
        var (node, _) = await cluster.AddNodeAsync(Joining);
        await cluster.WaitForCopyingAsync(Joining, "bootstrap", minimumKeysCopied: 200, TimeSpan.FromSeconds(60));

        node.Kill();
        var atKill = await cluster.ChangeAsync(Joining, "bootstrap");
        await Until.DoneAsync(async () =>
        {
            var status = await cluster.ScalarAsync<string>($"SELECT status FROM storage_nodes WHERE node_id = '{Joining}'");
            return (status == "DOWN", status);
        }, $"the coordinator to see {Joining} DOWN", TimeSpan.FromSeconds(30));
        var whileDown = await cluster.ChangeAsync(Joining, "bootstrap");
        Assert.That(whileDown.Status, Is.EqualTo("in_progress"), $"streaming pauses (the change neither completes nor fails) while the target is down: {whileDown}");
        Assert.That(await cluster.ListedStateAsync(Joining), Is.EqualTo(NodeState.Bootstrapping), "the target stays BOOTSTRAPPING");

        await node.StartAsync();
        var restart = await cluster.Operator.PostAsync("/api/v1/rebalance/restart", new { target_node = Joining });
        Assert.That((int)restart.Status, Is.EqualTo(202), $"runbook 3.2: POST /api/v1/rebalance/restart after the target recovered: {restart}");

        var resumed = new StreamResumeCheck(atKill);
        await Until.DoneAsync(async () =>
        {
            var row = await cluster.ChangeAsync(Joining, "bootstrap");
            resumed.Observe(row);
            return (row.Status is "completed" or "failed", row.ToString());
        }, "the bootstrap to finish after the target restarted", ChangeTimeout);
        var final = await cluster.ChangeAsync(Joining, "bootstrap");
        Assert.That(final.Status, Is.EqualTo("completed"), $"the change completes once the target is back: {final}");
        await cluster.WaitForNodeStateAsync(Joining, NodeState.Normal, TimeSpan.FromSeconds(10), "after the bootstrap completed");
        await verifier.WaitForSweepsAsync(1, TimeSpan.FromSeconds(60));
        await writer.StopAsync();

        resumed.AssertResumed();
        await verifier.AssertNoProblemsAsync("while the target was down and after");
        await ReadVerifier.AssertAllReadableAsync(cluster.KeyValue, ledger, "after the target crash");
        await TopologyAssertions.AssertNodeHoldsItsKeysAsync(cluster, node, ledger);
        await TestContext.Progress.WriteLineAsync($"target kill: at kill {atKill.KeysCopied} keys copied; {resumed}");
    }
}
