using Npgsql;
using PairDb.Contracts.Errors;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Replication.Hints.Spool;
using PairDb.Coordinator.Telemetry;
using PairDb.Coordinator.Tests.Support;
using PairDb.Testing;

namespace PairDb.Coordinator.Tests.Replication.Spool;

/// <summary>
/// The hint writer and the spool mover against PostgreSQL: a hint the database cannot take within the budget (refused,
/// or stuck behind a lock) is spooled and its caller answered; the mover then brings it into <c>hints</c> exactly once,
/// even when a late COPY got there first or a crash came between the mover's insert and its done mark.
/// </summary>
public sealed class HintSpoolPostgresTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task StoreAsync_DatabaseUnreachable_SpooledAndTheCallerAnswered()
    {
        await using var path = new HintPath(new HintOptions());
        using var spooled = path.Counter(HintSpoolMetrics.HintsSpooledTotal);
        await path.Writer.StartAsync(CancellationToken.None);

        await path.Store(10).WaitAsync(Wait);

        Assert.That(path.Spool.Count, Is.EqualTo(1));
        Assert.That(spooled.Total, Is.EqualTo(1));
        Assert.That(path.Backlog.CountOf("storage-node-3"), Is.EqualTo(1), "a spooled hint counts against its target's cap");
        await path.Writer.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task StoreAsync_SpoolFull_RefusedWithOverloadedAndCounted()
    {
        await using var path = new HintPath(new HintOptions { SpoolMaxBytes = 1024 * 1024 });
        using var full = path.Counter(HintSpoolMetrics.HintSpoolFullTotal);
        await path.Writer.StartAsync(CancellationToken.None);
        await path.Store(900 * 1024).WaitAsync(Wait);

        var refused = path.Store(900 * 1024);

        var error = Assert.ThrowsAsync<PairDbException>(() => refused.WaitAsync(Wait));
        Assert.That(error!.Code, Is.EqualTo(ErrorCode.Overloaded));
        Assert.That(error.Message, Does.Contain("hint spool is full"));
        Assert.That(full.Total, Is.EqualTo(1));
        Assert.That(path.Log.Messages, Has.Some.Contains("Hint spool full target_node_id=storage-node-3"));
        await path.Writer.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task StoreAsync_HintsTableLocked_AnsweredWhileTheLockIsHeldThenInTheTableOnce()
    {
        await using var database = await MetadataDatabase.CreateAsync();
        await using var path = new HintPath(new HintOptions { StoreBudget = TimeSpan.FromMilliseconds(200) }, database.ConnectionString);
        await path.Writer.StartAsync(CancellationToken.None);
        await using var locker = new NpgsqlConnection(database.ConnectionString);
        await locker.OpenAsync();
        var transaction = await locker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE hints IN ACCESS EXCLUSIVE MODE", locker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        await path.Store(10).WaitAsync(Wait);

        Assert.That(path.Spool.Count, Is.EqualTo(1), "answered from the spool while the table was still locked");
        await transaction.CommitAsync();
        // The COPY that waited behind the lock now commits the same hint: the mover's insert must not add a second row.
        await Eventually.WaitAsync(async () => await database.ScalarAsync<long>("SELECT COUNT(*) FROM hints") == 1, "the late COPY to commit");
        Assert.That(await path.Mover().MoveAsync(CancellationToken.None), Is.EqualTo(1));
        Assert.That(await database.ScalarAsync<long>("SELECT COUNT(*) FROM hints"), Is.EqualTo(1));
        Assert.That(path.Spool.Count, Is.Zero);
        await path.Writer.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task MoveAsync_CrashBetweenInsertAndDoneMark_StillOneRow()
    {
        await using var database = await MetadataDatabase.CreateAsync();
        await using var path = new HintPath(new HintOptions(), database.ConnectionString);
        var hints = HintSpoolTests.Hints(3);
        path.Spool.Append(hints);
        var files = Directory.GetFiles(path.SpoolDirectory).ToDictionary(f => f, File.ReadAllBytes);
        using var unspooled = path.Counter(HintSpoolMetrics.HintsUnspooledTotal);

        Assert.That(await path.Mover().MoveAsync(CancellationToken.None), Is.EqualTo(3));
        // The crash: the rows are in, but the spool files are as they were before the done marks.
        path.Spool.Dispose();
        foreach (var (file, bytes) in files)
        {
            File.WriteAllBytes(file, bytes);
        }
        Assert.That(path.Reopen().Count, Is.EqualTo(3));
        Assert.That(await path.Mover().MoveAsync(CancellationToken.None), Is.EqualTo(3));

        Assert.That(await database.ScalarAsync<long>("SELECT COUNT(*) FROM hints"), Is.EqualTo(3));
        Assert.That(await database.ScalarAsync<long>("SELECT COUNT(DISTINCT hint_uid) FROM hints"), Is.EqualTo(3));
        Assert.That(path.Spool.Count, Is.Zero);
        Assert.That(unspooled.Total, Is.EqualTo(6));
    }

    [Test]
    public async Task StoreAsync_DatabaseUnreachableThenBack_TheMoverBringsTheHintIntoTheTable()
    {
        await using var database = await MetadataDatabase.CreateAsync();
        using var directory = TestDirectory.Create();
        await using (var away = new HintPath(new HintOptions(), directory: directory))
        {
            await away.Writer.StartAsync(CancellationToken.None);
            await away.Store(10).WaitAsync(Wait);
            await away.Writer.StopAsync(CancellationToken.None);
        }
        // The same spool directory with PostgreSQL reachable: a coordinator restarted once the database is back.
        await using var back = new HintPath(new HintOptions(), database.ConnectionString, directory);
        Assert.That(back.Spool.Count, Is.EqualTo(1), "the spooled hint survived the restart");

        await back.Mover().DrainOnceAsync(CancellationToken.None);

        Assert.That(await database.ScalarAsync<long>("SELECT COUNT(*) FROM hints WHERE target_node_id = 'storage-node-3'"), Is.EqualTo(1));
        Assert.That(back.Spool.Count, Is.Zero);
    }
}
