using System.Globalization;
using PairDb.Integration.Tests.Outage.Harness;

namespace PairDb.Integration.Tests.Outage;

/// <summary>
/// Issue 15, test 1: PostgreSQL stopped under a steady W=2 write load, a storage node SIGKILLed during the
/// outage. No put fails; every acknowledged put reads back at R=2 as exactly its value during and after;
/// once PostgreSQL returns, the hints spooled for the dead node are in <c>hints</c> (the runbook's
/// backlog query) and, after the node restarts, replayed to it until the table is empty.
/// </summary>
[NonParallelizable]
public sealed class SteadyWriteOutageTests
{
    /// <summary>The outage length (issue 15 asks for 60 s; 12 s by default to keep the suite short). PAIRDB_TEST_OUTAGE_SECONDS overrides.</summary>
    private static readonly TimeSpan OutageLength = TimeSpan.FromSeconds(
        double.Parse(Environment.GetEnvironmentVariable("PAIRDB_TEST_OUTAGE_SECONDS") ?? "12", CultureInfo.InvariantCulture));

    [Test]
    public async Task PostgresDownAndNodeKilled_UnderSteadyWrites_NoPutFailsAndHintsReachTheNodeAfterwards()
    {
        await using var outage = await OutageCluster.StartAsync();
        var cluster = outage.Cluster;
        var victim = cluster.Nodes[2];
        await using var writer = SteadyWriter.Start(cluster.KeyValue, "steady");
        await writer.WaitForMoreAsync(200, "baseline, PostgreSQL up");
        writer.EndPhase("baseline");

        await outage.StopPostgresAsync();
        await writer.RunForAsync(OutageLength / 3, "PostgreSQL down, three nodes up");
        writer.EndPhase("PostgreSQL down");
        await outage.KillNodeAsync(victim);
        var killed = writer.Mark();
        await writer.RunForAsync(OutageLength - (OutageLength / 3), $"PostgreSQL down, {victim.NodeId} dead");
        writer.EndPhase($"PostgreSQL down, {victim.NodeId} dead");
        await ExactReads.AssertReadableAsync(cluster.KeyValue, writer.Ledger(), "during the outage, with a node dead");

        await outage.StartPostgresAsync();
        await writer.WaitForMoreAsync(200, $"PostgreSQL back, {victim.NodeId} still dead");
        await writer.StopAsync();
        writer.EndPhase($"PostgreSQL back, {victim.NodeId} still dead");
        writer.AssertNoFailures("two of three replicas take every put, PostgreSQL down or not");
        var ledger = writer.Ledger();
        var missed = ledger.Where(p => p.Sequence >= killed).ToList();
        outage.Log($"{ledger.Count} puts acknowledged, {missed.Count} of them after {victim.NodeId} died");

        await outage.WaitForHintsOfAsync(victim.NodeId, missed, TimeSpan.FromSeconds(60));
        await ExactReads.AssertReadableAsync(cluster.KeyValue, ledger, $"after PostgreSQL returned, {victim.NodeId} still dead");
        await victim.StartAsync();
        outage.Log($"{victim.NodeId} restarted");
        await outage.WaitForHintsDrainedAsync(TimeSpan.FromSeconds(120));

        await ExactReads.AssertHeldByAsync(victim, ledger, "once the hints were replayed");
        await ExactReads.AssertReadableAsync(cluster.KeyValue, ledger, "after the outage");
    }
}
