using PairDb.Integration.Tests.Outage.Harness;

namespace PairDb.Integration.Tests.Outage;

/// <summary>
/// Issue 15, test 2: the coordinator is SIGKILLed while it holds hints it could only spool (PostgreSQL down,
/// their target dead). Restarted, with PostgreSQL back or still away, it loses none: they reach <c>hints</c>
/// and then the node.
/// </summary>
[NonParallelizable]
public sealed class CoordinatorKillOutageTests
{
    private const int Puts = 100;

    [TestCase(true, TestName = "CoordinatorKilledHoldingSpooledHints_RestartedAfterPostgresReturns_HintsReachTheNode")]
    [TestCase(false, TestName = "CoordinatorKilledHoldingSpooledHints_RestartedWhilePostgresIsDown_HintsReachTheNode")]
    public async Task CoordinatorKilledHoldingSpooledHints_HintsReachTheNode(bool postgresBackFirst)
    {
        await using var outage = await OutageCluster.StartAsync();
        var cluster = outage.Cluster;
        var victim = cluster.Nodes[2];
        await outage.KillNodeAsync(victim);
        await outage.StopPostgresAsync();
        await using (var writer = SteadyWriter.Start(cluster.KeyValue, "spooled", concurrency: 2))
        {
            await writer.WaitForMoreAsync(Puts, $"PostgreSQL down, {victim.NodeId} dead: hints can only be spooled");
            await writer.StopAsync();
            writer.EndPhase("spooling");
            var spooled = writer.Ledger();

            cluster.KillCoordinator();
            outage.Log($"coordinator killed holding {spooled.Count} spooled hints");
            if (postgresBackFirst)
            {
                await outage.StartPostgresAsync();
                await outage.RestartCoordinatorAsync();
            }
            else
            {
                await outage.RestartCoordinatorAsync();
                await ExactReads.AssertReadableAsync(cluster.KeyValue, spooled, "through the restarted coordinator, PostgreSQL still down");
                await outage.StartPostgresAsync();
            }

            await outage.WaitForHintsOfAsync(victim.NodeId, spooled, TimeSpan.FromSeconds(60));
            await victim.StartAsync();
            await outage.WaitForHintsDrainedAsync(TimeSpan.FromSeconds(60));
            await ExactReads.AssertHeldByAsync(victim, spooled, "once the hints spooled before the coordinator's kill were replayed");
            await ExactReads.AssertReadableAsync(cluster.KeyValue, spooled, "after the outage");
        }
    }
}
