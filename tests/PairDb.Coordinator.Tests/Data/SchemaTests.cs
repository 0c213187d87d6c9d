using PairDb.Testing.Runbook;
using Microsoft.Extensions.Logging.Abstractions;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Tests.Support;

namespace PairDb.Coordinator.Tests.Data;

/// <summary>The migrations build the schema the runbook's SQL expects, on a fresh database.</summary>
[TestFixture]
public sealed class SchemaTests
{
    private MetadataDatabase _database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabaseAsync()
    {
        _database = await MetadataDatabase.CreateAsync();
        await SeedAsync();
    }

    [OneTimeTearDown]
    public async Task DropDatabaseAsync() => await _database.DisposeAsync();

    [TestCaseSource(typeof(RunbookSql), nameof(RunbookSql.All))]
    public async Task RunbookQuery_OnMigratedDatabase_Executes(string sql)
    {
        await using var transaction = new RolledBackStatement(_database.ConnectionString);
        var rows = await transaction.RunAsync(sql);
        Assert.That(rows, Is.GreaterThanOrEqualTo(-1), "the statement ran");
    }

    [Test]
    public async Task NodeStatesQuery_AfterSeeding_ReturnsNodesOldestFirst()
    {
        var rows = await _database.QueryAsync(RunbookSql.NodeStates);
        Assert.That(rows.Select(r => r["node_id"]), Is.EqualTo(new[] { "storage-node-1", "storage-node-2" }));
        Assert.That(rows[0]["state"], Is.EqualTo("NORMAL"));
        Assert.That(rows[0]["status"], Is.EqualTo("UP"));
    }

    [Test]
    public async Task HintBacklogQuery_AfterSeeding_CountsHintsPerTarget()
    {
        var rows = await _database.QueryAsync(RunbookSql.HintBacklog);
        Assert.That(rows, Has.Count.EqualTo(1));
        Assert.That(rows[0]["target_node_id"], Is.EqualTo("storage-node-2"));
        Assert.That(rows[0]["hint_count"], Is.EqualTo(2L));
    }

    [Test]
    public async Task ActiveChangesQuery_AfterSeeding_ReturnsTheInProgressBootstrap()
    {
        var rows = await _database.QueryAsync(RunbookSql.ActiveTopologyChanges);
        Assert.That(rows, Has.Count.EqualTo(1));
        Assert.That(rows[0]["type"], Is.EqualTo("bootstrap"));
        Assert.That(rows[0]["duration_seconds"], Is.Not.Null);
    }

    [Test]
    public async Task ApplyAsync_OnMigratedDatabase_AppliesNothing()
    {
        var applied = await MetadataMigrator.ApplyAsync(_database.ConnectionString, NullLogger.Instance);
        Assert.That(applied, Is.Empty);
    }

    [Test]
    public async Task Tokens_RoundTripThroughBigintArray_KeepAllSixtyFourBits()
    {
        var tokens = new[] { 0UL, 1UL, (ulong)long.MaxValue + 1, ulong.MaxValue };
        await using (var db = _database.CreateContext())
        {
            db.StorageNodes.Add(new StorageNodeRecord
            {
                NodeId = "token-bits", Host = "10.9.9.9", GrpcPort = 8001, HttpPort = 8080, VirtualNodes = 4,
                Tokens = Coordinator.Ring.TokenBits.ToStored(tokens), State = NodeStates.Bootstrapping, Status = NodeStatuses.Unknown,
            });
            await db.SaveChangesAsync();
        }
        await using var read = _database.CreateContext();
        var row = read.StorageNodes.Single(n => n.NodeId == "token-bits");
        Assert.That(Coordinator.Ring.TokenBits.FromStored(row.Tokens), Is.EqualTo(tokens));
        read.StorageNodes.Remove(row);
        await read.SaveChangesAsync();
    }

    [Test]
    public void StateCheckConstraint_UnknownState_IsRejected()
    {
        Assert.That(
            async () => await _database.ScalarAsync<int>(
                "INSERT INTO storage_nodes (node_id, host, grpc_port, http_port, virtual_nodes, tokens, state, status) " +
                "VALUES ('bad-state', 'h', 1, 2, 1, '{}', 'SLEEPING', 'UP')"),
            Throws.InstanceOf<Npgsql.PostgresException>().With.Property("SqlState").EqualTo("23514"));
    }

    private async Task SeedAsync()
    {
        var now = DateTimeOffset.UtcNow;
        await using var db = _database.CreateContext();
        db.StorageNodes.Add(Node("storage-node-1", "10.0.1.1", now.AddMinutes(-2)));
        db.StorageNodes.Add(Node("storage-node-2", "10.0.1.2", now.AddMinutes(-1)));
        db.PendingChanges.Add(new PendingChangeRecord
        {
            ChangeId = "c1", Type = ChangeTypes.Bootstrap, NodeId = "storage-node-2", Status = ChangeStatuses.InProgress,
            Progress = 40, StartTime = now.AddMinutes(-1), UpdatedAt = now,
        });
        for (var i = 0; i < 2; i++)
        {
            db.Hints.Add(new HintRecord
            {
                TargetNodeId = "storage-node-2", TenantId = "t1", Key = [(byte)i], Payload = [1, 2, 3], PayloadSize = 3,
                CreatedAt = now, NextAttemptAt = now,
            });
        }
        await db.SaveChangesAsync();
    }

    private static StorageNodeRecord Node(string id, string host, DateTimeOffset createdAt) => new()
    {
        NodeId = id, Host = host, GrpcPort = 8001, HttpPort = 8080, VirtualNodes = 1, Tokens = [1],
        State = NodeStates.Normal, Status = NodeStatuses.Up, CreatedAt = createdAt, UpdatedAt = createdAt,
    };
}
