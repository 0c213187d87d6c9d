using PairDb.Integration.Tests.Outage.Harness;

namespace PairDb.Integration.Tests.Outage;

/// <summary>
/// The outage harness itself, on what works without issue 15: the private PostgreSQL stops and starts again
/// with its data on the same port (the coordinator reconnects), the coordinator is SIGKILLed and restarted,
/// and with PostgreSQL up the hints of a dead node show in the runbook's backlog and drain when it returns.
/// If this fails, the outage tests' failures say nothing about the product.
/// </summary>
[NonParallelizable]
public sealed class OutageHarnessTests
{
    [Test]
    public async Task PostgresRestartedCoordinatorRestartedNodeKilled_HintsStoredAndDrained()
    {
        await using var outage = await OutageCluster.StartAsync();
        var cluster = outage.Cluster;
        var victim = cluster.Nodes[2];
        await outage.StopPostgresAsync();
        await outage.StartPostgresAsync();
        cluster.KillCoordinator();
        await outage.RestartCoordinatorAsync();
        await outage.KillNodeAsync(victim);

        IReadOnlyList<AckedPut> ledger;
        await using (var writer = SteadyWriter.Start(cluster.KeyValue, "harness", concurrency: 2))
        {
            await writer.WaitForMoreAsync(100, $"PostgreSQL up, {victim.NodeId} dead");
            await writer.StopAsync();
            writer.AssertNoFailures("after the writer stopped");
            ledger = writer.Ledger();
        }
        await outage.WaitForHintsOfAsync(victim.NodeId, ledger, TimeSpan.FromSeconds(30));
        await victim.StartAsync();
        await outage.WaitForHintsDrainedAsync(TimeSpan.FromSeconds(60));

        await ExactReads.AssertHeldByAsync(victim, ledger, "once its hints were replayed");
        await ExactReads.AssertReadableAsync(cluster.KeyValue, ledger, "after the node returned");
    }
}
