using Npgsql;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Ring;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>What the metadata database says: storage_nodes rows, pending_changes rows, the ring they make.</summary>
internal sealed partial class TopologyCluster
{
    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Every change of a node (optionally of one type), newest first.</summary>
    public async Task<IReadOnlyList<ChangeRow>> ChangesAsync(string nodeId, string? type = null)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT {ChangeRow.Columns} FROM pending_changes WHERE node_id = @node AND (@type::text IS NULL OR type = @type) ORDER BY start_time DESC, change_id DESC",
            connection);
        command.Parameters.AddWithValue("node", nodeId);
        command.Parameters.AddWithValue("type", NpgsqlTypes.NpgsqlDbType.Text, (object?)type ?? DBNull.Value);
        var rows = new List<ChangeRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(ChangeRow.Read(reader));
        }
        return rows;
    }

    /// <summary>The latest change of that type for the node; fails the test when there is none.</summary>
    public async Task<ChangeRow> ChangeAsync(string nodeId, string type)
    {
        var changes = await ChangesAsync(nodeId, type);
        Assert.That(changes, Is.Not.Empty, $"a {type} row in pending_changes for {nodeId}");
        return changes[0];
    }

    /// <summary>
    /// Waits until no change has a cleanup still to run (details.cleanup scheduled or failed): the
    /// initial nodes' bootstraps schedule cleanups of their own, whose counts would otherwise mix
    /// with those of the change a test is about.
    /// </summary>
    public async Task WaitForCleanupsSettledAsync(TimeSpan timeout) =>
        await Until.DoneAsync(async () =>
        {
            var open = await ScalarAsync<long>(
                "SELECT COUNT(*) FROM pending_changes WHERE details->'cleanup'->>'status' IN ('scheduled', 'failed_safety_check')");
            return (open == 0, $"{open} change(s) with a cleanup still to run");
        }, "the cleanups of earlier changes to finish", timeout);

    public async Task<long> CountChangesAsync() => await ScalarAsync<long>("SELECT COUNT(*) FROM pending_changes");

    /// <summary>storage_nodes as the coordinator stores it.</summary>
    public async Task<List<StorageNodeRecord>> StorageNodeRowsAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT node_id, host, grpc_port, http_port, virtual_nodes, tokens, state, status, draining, created_at, updated_at FROM storage_nodes ORDER BY node_id",
            connection);
        var rows = new List<StorageNodeRecord>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new StorageNodeRecord
            {
                NodeId = reader.GetString(0),
                Host = reader.GetString(1),
                GrpcPort = reader.GetInt32(2),
                HttpPort = reader.GetInt32(3),
                VirtualNodes = reader.GetInt32(4),
                Tokens = reader.GetFieldValue<long[]>(5),
                State = reader.GetString(6),
                Status = reader.GetString(7),
                Draining = reader.GetBoolean(8),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(9),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(10),
            });
        }
        return rows;
    }

    /// <summary>The ring that places keys now (members NORMAL and LEAVING), built from the rows as every coordinator builds it.</summary>
    public async Task<TokenRing> RingAsync() => RingBuilder.Build(await StorageNodeRowsAsync(), 1);

    /// <summary>The part of storage_nodes that defines the ring (no liveness or timestamps), for before/after comparisons.</summary>
    public async Task<IReadOnlyList<string>> RingDefiningRowsAsync()
    {
        var rows = await StorageNodeRowsAsync();
        var result = new List<string>();
        foreach (var row in rows)
        {
            result.Add($"{row.NodeId} {row.Host}:{row.GrpcPort}/{row.HttpPort} vn={row.VirtualNodes} {row.State} draining={row.Draining} tokens=[{string.Join(',', row.Tokens)}]");
        }
        return result;
    }
}
