using Npgsql;
using PairDb.Integration.Tests.Outage.Harness;

namespace PairDb.Integration.Tests.Outage;

/// <summary>
/// Issue 15, test 6: PostgreSQL up but slow: a transaction holds <c>LOCK TABLE hints IN ACCESS EXCLUSIVE MODE</c>
/// while a replica is dead, so no hint can be inserted. Puts still succeed, each within the hint budget plus
/// normal latency (bounded generously by <see cref="OutageSettings.PutBound"/>); their count and p99 are
/// printed. Once the lock goes, the hints are in <c>hints</c> and reach the node when it returns.
/// </summary>
[NonParallelizable]
public sealed class SlowPostgresTests
{
    private const int Puts = 200;

    [Test]
    public async Task HintsTableLocked_ReplicaDead_PutsSucceedWithinTheBudget()
    {
        await using var outage = await OutageCluster.StartAsync();
        var cluster = outage.Cluster;
        var victim = cluster.Nodes[0];
        await outage.KillNodeAsync(victim);

        IReadOnlyList<AckedPut> ledger;
        await using (var locker = new NpgsqlConnection(cluster.ConnectionString))
        {
            await locker.OpenAsync();
            await using var transaction = await locker.BeginTransactionAsync();
            await using (var lockHints = new NpgsqlCommand("LOCK TABLE hints IN ACCESS EXCLUSIVE MODE", locker, transaction))
            {
                await lockHints.ExecuteNonQueryAsync();
            }
            outage.Log("hints locked (ACCESS EXCLUSIVE, transaction open)");
            await using var writer = SteadyWriter.Start(cluster.KeyValue, "slow", deadline: OutageSettings.PutBound);
            await writer.WaitForMoreAsync(Puts, $"each within {OutageSettings.PutBound.TotalSeconds:0} s while a transaction holds an exclusive lock on hints");
            await writer.StopAsync();
            var figures = writer.EndPhase("hints locked, replica dead");
            Assert.That(writer.Failures, Is.Empty,
                $"every put succeeds within {OutageSettings.PutBound.TotalSeconds:0} s although PostgreSQL cannot take its hint ({figures})");
            ledger = writer.Ledger();
            await transaction.RollbackAsync();
            outage.Log("lock released");
        }

        await outage.WaitForHintsOfAsync(victim.NodeId, ledger, TimeSpan.FromSeconds(60));
        await victim.StartAsync();
        await outage.WaitForHintsDrainedAsync(TimeSpan.FromSeconds(60));
        await ExactReads.AssertHeldByAsync(victim, ledger, "once the hints written behind the lock were replayed");
    }
}
