using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Topology.Harness;

namespace PairDb.Integration.Tests.Topology;

/// <summary>
/// Issue 8, tests 3 and 4 (and a dead source, runbook 3.2 change-source): SIGKILL in the middle of
/// streaming (crash safety). The
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
        var ledger = await LoadWriter.SeedNewAsync(cluster.KeyValue, 1000, valueBytes: 3072);
        await using var writer = LoadWriter.StartLive(cluster.KeyValue, ledger);
        await using var verifier = ReadVerifier.StartNew(cluster.KeyValue, ledger);
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
        var ledger = await LoadWriter.SeedNewAsync(cluster.KeyValue, 1000, valueBytes: 3072);
        await using var writer = LoadWriter.StartLive(cluster.KeyValue, ledger);
        await using var verifier = ReadVerifier.StartNew(cluster.KeyValue, ledger);
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

    [Test]
    public async Task KillSourceNode_MidStream_ChangeSourceMovesItsStreamsAndTheBootstrapCompletes()
    {
        await using var cluster = await TopologyCluster.StartAsync(new TopologySettings { MaxStreamMegabytesPerSecond = 0.15 });
        var ledger = await LoadWriter.SeedNewAsync(cluster.KeyValue, 1000, valueBytes: 3072);
        await using var writer = LoadWriter.StartLive(cluster.KeyValue, ledger);
        var (node, _) = await cluster.AddNodeAsync(Joining);
        var midStream = await cluster.WaitForCopyingAsync(Joining, "bootstrap", minimumKeysCopied: 100, TimeSpan.FromSeconds(60));
        var source = midStream.Streams.First(s => s.State == "copying").Source;
        var replacement = cluster.Nodes.First(n => n.NodeId != source && n.NodeId != Joining).NodeId;

        cluster.Node(source).Kill();
        cluster.Log($"source {source} killed");
        await Until.DoneAsync(async () =>
        {
            var status = await cluster.ScalarAsync<string>($"SELECT status FROM storage_nodes WHERE node_id = '{source}'");
            return (status == "DOWN", status);
        }, $"the coordinator to see {source} DOWN", TimeSpan.FromSeconds(30));
        var paused = await cluster.ChangeAsync(Joining, "bootstrap");
        Assert.That(paused.Status, Is.EqualTo("in_progress"), $"streaming from a dead source pauses (runbook 3.2): {paused}");
        var notAReplica = await cluster.Operator.PostAsync("/api/v1/rebalance/change-source", new { target_node = Joining, old_source = source, new_source = Joining });
        Assert.That(((int)notAReplica.Status, notAReplica.ErrorCode), Is.EqualTo((400, 1000)), $"the joining node is no old replica to read from: {notAReplica}");

        var switched = await cluster.Operator.PostAsync("/api/v1/rebalance/change-source", new { target_node = Joining, old_source = source, new_source = replacement });

        Assert.That((int)switched.Status, Is.EqualTo(200), $"runbook 3.2: POST /api/v1/rebalance/change-source: {switched}");
        var done = await cluster.WaitForChangeAsync(Joining, "bootstrap", ChangeTimeout, "completed", "failed");
        Assert.That(done.Status, Is.AnyOf("completed", "cleaned_up"), $"the bootstrap completes without the dead source: {done}");
        Assert.That(done.Streams.Select(s => s.Source), Does.Not.Contain(source), "no stream reads from the dead source any more");
        await writer.StopAsync();
        await ReadVerifier.AssertAllReadableAsync(cluster.KeyValue, ledger, $"with {source} still down");
        await TopologyAssertions.AssertNodeHoldsItsKeysAsync(cluster, node, ledger);
    }
}
