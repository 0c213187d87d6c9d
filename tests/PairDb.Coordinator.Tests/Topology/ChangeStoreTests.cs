using PairDb.Coordinator.Data;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Tests.Support;
using PairDb.Coordinator.Topology.Changes;

namespace PairDb.Coordinator.Tests.Topology;

/// <summary>The runner's persistence against PostgreSQL: the change lock and the compare-and-set writes.</summary>
public sealed class ChangeStoreTests
{
    private MetadataDatabase _database = null!;
    private ChangeStore _store = null!;

    [SetUp]
    public async Task CreateAsync()
    {
        _database = await MetadataDatabase.CreateAsync();
        _store = new ChangeStore(Microsoft.Extensions.Options.Options.Create(new MetadataOptions { ConnectionString = _database.ConnectionString }));
        await _database.ScalarAsync<object>(
            "INSERT INTO storage_nodes (node_id, host, grpc_port, http_port, virtual_nodes, tokens, state, status) " +
            "VALUES ('n4', '127.0.0.1', 1, 2, 1, '{5}', 'BOOTSTRAPPING', 'UP')");
        await _database.ScalarAsync<object>(
            "INSERT INTO pending_changes (change_id, type, node_id, status, progress, details) " +
            "VALUES ('c1', 'bootstrap', 'n4', 'in_progress', 0, '{\"phase\": \"copying\", \"revision\": 2}')");
    }

    [TearDown]
    public async Task DropAsync()
    {
        await _store.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Test]
    public async Task TryAcquire_HeldByAnotherSession_NullUntilReleased()
    {
        var first = await ChangeLock.TryAcquireAsync(_store.LockSource, "c1", CancellationToken.None);
        Assert.That(first, Is.Not.Null);
        Assert.That(await ChangeLock.TryAcquireAsync(_store.LockSource, "c1", CancellationToken.None), Is.Null, "one runner per change");
        await using (var other = await ChangeLock.TryAcquireAsync(_store.LockSource, "c2", CancellationToken.None))
        {
            Assert.That(other, Is.Not.Null, "another change's lock is independent");
        }

        await first!.DisposeAsync();

        await using var again = await ChangeLock.TryAcquireAsync(_store.LockSource, "c1", CancellationToken.None);
        Assert.That(again, Is.Not.Null);
    }

    [Test]
    public async Task Save_SameStatusAndRevision_PersistsProgressAndDetails()
    {
        var saved = await _store.SaveAsync("c1", ChangeStatuses.InProgress, 2, 40, "{\"phase\": \"copying\", \"revision\": 2, \"keys_streamed\": 7}", CancellationToken.None);

        Assert.That(saved, Is.True);
        var row = await _store.LoadAsync("c1", CancellationToken.None);
        Assert.That(row!.Progress, Is.EqualTo(40));
        Assert.That(ChangeDetails.Parse(row.Details).KeysStreamed, Is.EqualTo(7));
    }

    [Test]
    public async Task Save_AfterOperatorMarkedItFailed_Refused()
    {
        await _database.ScalarAsync<object>("UPDATE pending_changes SET status='failed' WHERE change_id='c1';");

        Assert.That(await _store.SaveAsync("c1", ChangeStatuses.InProgress, 2, 40, "{\"revision\": 2}", CancellationToken.None), Is.False);
        Assert.That((await _store.LoadAsync("c1", CancellationToken.None))!.Progress, Is.Zero);
    }

    [Test]
    public async Task Save_OlderRevisionOrNodeRowDeleted_Refused()
    {
        Assert.That(await _store.SaveAsync("c1", ChangeStatuses.InProgress, 1, 40, "{\"revision\": 1}", CancellationToken.None), Is.False,
            "an operator's restart or change-source bumped the revision");

        await _database.ScalarAsync<object>("DELETE FROM storage_nodes WHERE node_id='n4';");

        Assert.That(await _store.SaveAsync("c1", ChangeStatuses.InProgress, 2, 40, "{\"revision\": 2}", CancellationToken.None), Is.False,
            "runbook 5.4: a deleted storage_nodes row stops the change");
    }

    [Test]
    public async Task Revise_BumpsRevisionOnlyFromTheOneRead()
    {
        var details = ChangeDetails.Parse("{\"phase\": \"copying\", \"revision\": 3}");

        Assert.That(await _store.ReviseAsync("c1", ChangeStatuses.InProgress, 2, ChangeStatuses.InProgress, details, CancellationToken.None), Is.True);
        Assert.That(await _store.ReviseAsync("c1", ChangeStatuses.InProgress, 2, ChangeStatuses.InProgress, details, CancellationToken.None), Is.False);
        Assert.That(ChangeDetails.Parse((await _store.LoadAsync("c1", CancellationToken.None))!.Details).Revision, Is.EqualTo(3));
    }
}
