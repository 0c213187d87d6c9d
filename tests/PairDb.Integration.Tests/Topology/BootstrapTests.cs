using PairDb.Testing.Runbook;
using System.Globalization;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Topology.Harness;

namespace PairDb.Integration.Tests.Topology;

/// <summary>
/// Issue 8, test 1: a fourth node joins a live three-node cluster (runbook 5.1), watched the way the
/// runbook watches it: GetStorageNodeStatus/ListStorageNodes and its psql commands (5.1, 5.3, 5.4),
/// run with the real psql client and the SQL as printed (test 9 for a bootstrap).
/// </summary>
[NonParallelizable]
public sealed class BootstrapTests
{
    private const string Joining = "storage-node-4";
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(90);

    [Test]
    public async Task AddStorageNode_WhileWriting_EveryWriteStaysReadableAndOwnershipMovesOnlyAtTheEnd()
    {
        await using var cluster = await TopologyCluster.StartAsync(new TopologySettings { MaxStreamMegabytesPerSecond = 0.1 });
        var ledger = await LoadWriter.SeedNewAsync(cluster.KeyValue, 1000, valueBytes: 3072);
        await using var writer = LoadWriter.StartLive(cluster.KeyValue, ledger);
        await using var verifier = ReadVerifier.StartNew(cluster.KeyValue, ledger);
        await using var observer = new ChangeObserver(cluster, Joining, "bootstrap");

        var (node, reply) = await cluster.AddNodeAsync(Joining);

        Assert.That(reply.Node.State, Is.EqualTo(NodeState.Bootstrapping), "AddStorageNode answers with the node BOOTSTRAPPING");
        Assert.That(reply.Change.Type, Is.EqualTo("bootstrap"));
        Assert.That(reply.Change.Status, Is.AnyOf("pending", "in_progress"));
        await cluster.WaitForCopyingAsync(Joining, "bootstrap", minimumKeysCopied: 100, TimeSpan.FromSeconds(60));
        await AssertRebalanceStatusWhileRunningAsync(cluster, reply.Change.ChangeId);
        await AssertRunbookWhileRunningAsync(cluster, reply.Change.ChangeId);
        var completed = await cluster.WaitForChangeAsync(Joining, "bootstrap", ChangeTimeout, "completed", "failed");
        Assert.That(completed.Status, Is.AnyOf("completed", "cleaned_up"), $"the bootstrap completes: {completed}");
        Assert.That(completed.CompletedAt, Is.Not.Null, "completed_at is set");
        await cluster.WaitForNodeStateAsync(Joining, NodeState.Normal, TimeSpan.FromSeconds(10), "after the bootstrap completed");
        // Keep writing and verifying after the cutover: the moment ownership moves is covered too.
        await writer.WaitForMoreAsync(50, TimeSpan.FromSeconds(30));
        await verifier.WaitForSweepsAsync(1, TimeSpan.FromSeconds(60));
        await writer.StopAsync();
        await observer.StopAsync();

        await verifier.AssertNoProblemsAsync("during and after the bootstrap");
        await ReadVerifier.AssertAllReadableAsync(cluster.KeyValue, ledger, "once the bootstrap is done");
        observer.AssertOwnershipMovedOnlyAtCompletion("BOOTSTRAPPING", NodeState.Bootstrapping, listedAfter: NodeState.Normal);
        Assert.That(await cluster.ListedStateAsync(Joining), Is.EqualTo(NodeState.Normal), "ListStorageNodes shows the new node NORMAL");
        var checkedKeys = await TopologyAssertions.AssertNodeHoldsItsKeysAsync(cluster, node, ledger);
        Assert.That(await cluster.CoordinatorMetricAsync("bootstrap_operations_total"), Is.GreaterThanOrEqualTo(1), "bootstrap_operations_total counts the bootstrap");
        Assert.That(await TopologyCluster.NodeMetricAsync(node, "streaming_bytes_transferred_total"), Is.GreaterThan(0), "the new node counts the bytes it received");
        await AssertRunbookAfterCompletionAsync(cluster, reply.Change.ChangeId);
        var final = await cluster.Operator.RebalanceStatusAsync(Joining);
        Assert.That((string?)final.Body?["state"], Is.AnyOf("completed", "cleaned_up"), $"GET /api/v1/rebalance/status after the change: {final}");
        Assert.That((long?)final.Body?["keys_streamed"], Is.GreaterThan(0),
            $"writes that arrived during the bootstrap reached the new node through its pending ranges (keys_streamed): {final}");
        cluster.Log($"{ledger.Count} acknowledged writes ({writer.Failed} live writes failed), {verifier.Sweeps} sweeps / {verifier.Reads} reads, {checkedKeys} keys checked on {Joining}");
        observer.AssertProgressRoseTo100();
    }

    /// <summary>Runbook 5.1 step 2, 5.3 and 5.4 (diagnosis) while the bootstrap streams.</summary>
    private static async Task AssertRunbookWhileRunningAsync(TopologyCluster cluster, string changeId)
    {
        var running = Psql.Row(await Psql.RunAsync(cluster.ConnectionString, RunbookSql.BootstrapChanges), changeId, "5.1 step 2 during the bootstrap");
        Assert.That((running["type"], running["status"]), Is.EqualTo(("bootstrap", "in_progress")), "5.1 step 2 during the bootstrap");
        Assert.That(int.Parse(running["progress"], CultureInfo.InvariantCulture), Is.InRange(0, 99));
        var active = Psql.Row(await Psql.RunAsync(cluster.ConnectionString, RunbookSql.ActiveTopologyChanges), changeId, "5.3 active topology changes");
        Assert.That(active["node_id"], Is.EqualTo(Joining));
        Assert.That(double.Parse(active["duration_seconds"], CultureInfo.InvariantCulture), Is.GreaterThan(0));
        var states = await Psql.RunAsync(cluster.ConnectionString, RunbookSql.NodeStates);
        Assert.That(states.Rows.Select(r => r["node_id"]), Is.EqualTo(new[] { "storage-node-1", "storage-node-2", "storage-node-3", Joining }), "5.3 node states, by created_at");
        Assert.That(states.Rows[^1]["state"], Is.EqualTo("BOOTSTRAPPING"), "5.3 node states");
        var diagnosis = Psql.Row(await Psql.RunAsync(cluster.ConnectionString, RunbookSql.Fill(RunbookSql.StuckBootstrap, nodeId: Joining)), changeId, "5.4 bootstrap diagnosis");
        Assert.That(diagnosis["status"], Is.EqualTo("in_progress"));
        Assert.That(diagnosis.Keys, Is.SupersetOf(new[] { "change_id", "type", "node_id", "status", "progress", "start_time", "completed_at" }));
    }

    /// <summary>Runbook 3.1 step 4: GET /api/v1/rebalance/status while the bootstrap streams.</summary>
    private static async Task AssertRebalanceStatusWhileRunningAsync(TopologyCluster cluster, string changeId)
    {
        var unfiltered = await cluster.Operator.GetAsync("/api/v1/rebalance/status");
        Assert.That((string?)unfiltered.Body?["change_id"], Is.EqualTo(changeId), $"without target_node: the change in progress: {unfiltered}");
        var status = await cluster.Operator.RebalanceStatusAsync(Joining);
        Assert.That((int)status.Status, Is.EqualTo(200), $"GET /api/v1/rebalance/status: {status}");
        var body = status.Body!;
        Assert.That(((string?)body["change_id"], (string?)body["target_node"], (string?)body["type"], (string?)body["status"]),
            Is.EqualTo((changeId, Joining, "bootstrap", "in_progress")), $"runbook 3.1 step 4 names the change: {status}");
        Assert.That((string?)body["state"], Is.AnyOf("copying", "streaming", "syncing", "cutover"), $"the runbook's state: {status}");
        Assert.That((long?)body["keys_copied"], Is.GreaterThan(0), $"keys_copied: {status}");
        Assert.That((long?)body["bytes_transferred"], Is.GreaterThan(0), $"bytes_transferred: {status}");
        Assert.That((int?)body["progress_percent"], Is.InRange(0, 99), $"progress_percent: {status}");
        Assert.That(body["streams"]!.AsArray().Select(s => (string?)s!["target"]), Is.Not.Empty.And.All.EqualTo(Joining), $"every stream feeds the new node: {status}");
    }

    /// <summary>Runbook 5.1 step 2, 5.3 and 5.4 once the bootstrap completed.</summary>
    private static async Task AssertRunbookAfterCompletionAsync(TopologyCluster cluster, string changeId)
    {
        var done = Psql.Row(await Psql.RunAsync(cluster.ConnectionString, RunbookSql.BootstrapChanges), changeId, "5.1 step 2 after the bootstrap");
        Assert.That(done["progress"], Is.EqualTo("100"), "5.1 step 2: progress 100");
        Assert.That(done["status"], Is.AnyOf("completed", "cleaned_up"), "5.1 step 2: the bootstrap is done");
        var active = await Psql.RunAsync(cluster.ConnectionString, RunbookSql.ActiveTopologyChanges);
        Assert.That(active.Rows, Is.Empty, $"5.3: no active change once it completed:\n{active}");
        var normal = await Psql.RunAsync(cluster.ConnectionString, RunbookSql.NormalNodes);
        Assert.That(normal.Rows.Select(r => r["node_id"]), Is.EquivalentTo(new[] { "storage-node-1", "storage-node-2", "storage-node-3", Joining }), "5.4: every node NORMAL");
        var hints = await Psql.RunAsync(cluster.ConnectionString, RunbookSql.HintBacklog);
        Assert.That(hints.Columns, Is.EqualTo(new[] { "target_node_id", "hint_count", "oldest_hint", "newest_hint" }), "5.3 hint backlog runs");
    }
}
