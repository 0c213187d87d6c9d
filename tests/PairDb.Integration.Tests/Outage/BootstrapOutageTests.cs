using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Outage.Harness;
using PairDb.Integration.Tests.Topology.Harness;

namespace PairDb.Integration.Tests.Outage;

/// <summary>
/// Issue 15, test 5: a fourth node's bootstrap, throttled so that it is mid-stream, crosses a PostgreSQL
/// outage. Live writes keep being acknowledged during the outage (those in the pending ranges also go to
/// the joining node, spooled if needed); topology pauses and, once PostgreSQL is back, resumes from its
/// persisted state and completes with the new node holding its keys. In the second case the joining node is
/// also SIGKILLed during the outage, so the pending-range writes it misses can only be spooled as hints, and
/// restarted once PostgreSQL is back: it still ends up holding every key of its ranges.
/// </summary>
[NonParallelizable]
public sealed class BootstrapOutageTests
{
    private const string Joining = "storage-node-4";

    /// <summary>Live writes (at about 100/s) acknowledged while PostgreSQL is down: an outage of about 10 s.</summary>
    private const int WritesDuringOutage = 1000;

    [TestCase(false, TestName = "BootstrapMidStream_PostgresStoppedAndRestarted_CompletesAndTheNodeHoldsItsKeys")]
    [TestCase(true, TestName = "BootstrapMidStream_PostgresStoppedAndJoiningNodeKilled_CompletesAndTheNodeHoldsItsKeys")]
    public async Task BootstrapMidStream_AcrossAnOutage_Completes(bool joiningNodeKilled)
    {
        await using var postgres = await OutagePostgres.StartAsync();
        await using var cluster = await TopologyCluster.StartAsync(new TopologySettings
        {
            MaxStreamMegabytesPerSecond = 0.1,
            MetadataConnectionString = postgres.ConnectionString,
            Coordinator = OutageSettings.Coordinator(),
        });
        var ledger = await LoadWriter.SeedNewAsync(cluster.KeyValue, 1000, valueBytes: 3072);
        await using var writer = LoadWriter.StartLive(cluster.KeyValue, ledger);
        var (node, reply) = await cluster.AddNodeAsync(Joining);
        Assert.That(reply.Node.State, Is.EqualTo(NodeState.Bootstrapping), "AddStorageNode answers with the node BOOTSTRAPPING");
        await cluster.WaitForCopyingAsync(Joining, "bootstrap", minimumKeysCopied: 100, TimeSpan.FromSeconds(60));

        var failedBefore = writer.Failed;
        await postgres.StopAsync();
        cluster.Log("PostgreSQL stopped mid-stream");
        if (joiningNodeKilled)
        {
            node.Kill();
            await Until.DoneAsync(() => Task.FromResult((!node.Running, "still running")), $"{Joining} to exit after SIGKILL", TimeSpan.FromSeconds(30));
            cluster.Log($"{Joining} killed mid-stream");
        }
        await writer.WaitForMoreAsync(WritesDuringOutage, TimeSpan.FromSeconds(120));
        var failedDuring = writer.Failed - failedBefore;
        await postgres.StartAgainAsync();
        cluster.Log($"PostgreSQL started again; {failedDuring} live writes failed during the outage");
        if (joiningNodeKilled)
        {
            await node.StartAsync();
            cluster.Log($"{Joining} restarted");
        }

        var completed = await cluster.WaitForChangeAsync(Joining, "bootstrap", TimeSpan.FromSeconds(180), "completed", "failed");
        await cluster.WaitForNodeStateAsync(Joining, NodeState.Normal, TimeSpan.FromSeconds(30), "after the bootstrap completed");
        await writer.StopAsync();

        Assert.That(failedDuring, Is.Zero, "no live W=2 write fails while PostgreSQL is down during a bootstrap");
        Assert.That(completed.Status, Is.AnyOf("completed", "cleaned_up"), $"the bootstrap completes after the outage: {completed}");
        await ReadVerifier.AssertAllReadableAsync(cluster.KeyValue, ledger, "once the bootstrap that crossed the outage is done");
        await TopologyAssertions.AssertNodeHoldsItsKeysAsync(cluster, node, ledger);
    }
}
