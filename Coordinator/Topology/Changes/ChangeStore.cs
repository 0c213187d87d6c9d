using Microsoft.Extensions.Options;
using Npgsql;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Options;

namespace PairDb.Coordinator.Topology.Changes;

/// <summary>
/// pending_changes as the change runner reads and writes it. Every write of a running change is a
/// compare-and-set on status = 'in_progress', the revision the runner started from and the
/// existence of the node's row: an operator's <c>UPDATE pending_changes SET status='failed'</c>, a
/// restart or change-source, an abort, or a deleted storage_nodes row makes the next write match no
/// row, and the runner stops.
/// </summary>
public sealed class ChangeStore : IAsyncDisposable
{
    private const string Columns = "change_id, type, node_id, status, progress, start_time, completed_at, details::text, error, updated_at";

    public ChangeStore(IOptions<MetadataOptions> options)
    {
        DataSource = NpgsqlDataSource.Create(options.Value.ConnectionString);
        // Session advisory locks live as long as their connection: a pooled connection would carry
        // a lock it failed to release into someone else's hands, so lock connections are never pooled.
        var unpooled = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString) { Pooling = false };
        LockSource = NpgsqlDataSource.Create(unpooled.ConnectionString);
    }

    public NpgsqlDataSource DataSource { get; }

    public NpgsqlDataSource LockSource { get; }

    public async Task<PendingChangeRecord?> LoadAsync(string changeId, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand($"SELECT {Columns} FROM pending_changes WHERE change_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = changeId });
        var rows = await ReadAsync(command, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>Every pending or in_progress change, oldest first (the order in which overlapping changes run).</summary>
    public async Task<List<PendingChangeRecord>> ListActiveAsync(CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(
            $"SELECT {Columns} FROM pending_changes WHERE status IN ('pending', 'in_progress') ORDER BY start_time, change_id");
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>The change of a node the operator means: an active one first, else the latest.</summary>
    public async Task<PendingChangeRecord?> LatestForNodeAsync(string nodeId, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(
            $"SELECT {Columns} FROM pending_changes WHERE node_id = $1 AND type IN ('bootstrap', 'decommission') " +
            "ORDER BY (status IN ('pending', 'in_progress')) DESC, start_time DESC, change_id DESC LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter { Value = nodeId });
        var rows = await ReadAsync(command, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>The latest active change of any node (GET /api/v1/rebalance/status without a node).</summary>
    public async Task<PendingChangeRecord?> LatestActiveAsync(CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(
            $"SELECT {Columns} FROM pending_changes WHERE status IN ('pending', 'in_progress') AND type IN ('bootstrap', 'decommission') " +
            "ORDER BY (status = 'in_progress') DESC, start_time DESC LIMIT 1");
        var rows = await ReadAsync(command, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<int> CountInProgressAsync(string type, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand("SELECT COUNT(*) FROM pending_changes WHERE type = $1 AND status = 'in_progress'");
        command.Parameters.Add(new NpgsqlParameter { Value = type });
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Persists a running change's details and progress; false when the change is no longer the one
    /// this runner drives (status, revision or node row changed).
    /// </summary>
    public Task<bool> SaveAsync(string changeId, string expectedStatus, int revision, int progress, string details, CancellationToken cancellationToken) =>
        TransitionAsync(changeId, expectedStatus, expectedStatus, revision, progress, details, error: null, cancellationToken);

    /// <summary>
    /// Moves a change from <paramref name="expectedStatus"/> to <paramref name="newStatus"/> with new
    /// details, under the same compare-and-set as <see cref="SaveAsync"/>.
    /// </summary>
    public async Task<bool> TransitionAsync(
        string changeId, string expectedStatus, string newStatus, int revision, int progress, string details, string? error,
        CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(
            "UPDATE pending_changes AS c SET status = $3, progress = $5, details = $6::jsonb, error = $7, updated_at = now() " +
            "WHERE c.change_id = $1 AND c.status = $2 AND COALESCE((c.details->>'revision')::int, 0) = $4 " +
            "AND EXISTS (SELECT 1 FROM storage_nodes s WHERE s.node_id = c.node_id)");
        command.Parameters.Add(new NpgsqlParameter { Value = changeId });
        command.Parameters.Add(new NpgsqlParameter { Value = expectedStatus });
        command.Parameters.Add(new NpgsqlParameter { Value = newStatus });
        command.Parameters.Add(new NpgsqlParameter { Value = revision });
        command.Parameters.Add(new NpgsqlParameter { Value = Math.Clamp(progress, 0, 100) });
        command.Parameters.Add(new NpgsqlParameter { Value = details });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)error ?? DBNull.Value });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Replaces the details of a change in <paramref name="expectedStatus"/> (bookkeeping after it ended, e.g. an abort's cleanup).</summary>
    public async Task<bool> ReplaceDetailsAsync(string changeId, string expectedStatus, string details, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(
            "UPDATE pending_changes SET details = $3::jsonb, updated_at = now() WHERE change_id = $1 AND status = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = changeId });
        command.Parameters.Add(new NpgsqlParameter { Value = expectedStatus });
        command.Parameters.Add(new NpgsqlParameter { Value = details });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Marks an active change failed whatever its details say (its node row is gone, so nothing else can).</summary>
    public async Task<bool> FailAsync(string changeId, string expectedStatus, string error, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(
            "UPDATE pending_changes SET status = 'failed', error = $3, updated_at = now() WHERE change_id = $1 AND status = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = changeId });
        command.Parameters.Add(new NpgsqlParameter { Value = expectedStatus });
        command.Parameters.Add(new NpgsqlParameter { Value = error });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// An operator's edit of a change's details (start, restart, change-source): compare-and-set on
    /// the status and revision it read, writing the bumped revision so a running runner stops.
    /// </summary>
    public async Task<bool> ReviseAsync(
        string changeId, string expectedStatus, int expectedRevision, string newStatus, ChangeDetails details, CancellationToken cancellationToken)
    {
        await using var command = DataSource.CreateCommand(
            "UPDATE pending_changes SET status = $3, details = $5::jsonb, progress = $6, error = NULL, completed_at = NULL, updated_at = now() " +
            "WHERE change_id = $1 AND status = $2 AND COALESCE((details->>'revision')::int, 0) = $4");
        command.Parameters.Add(new NpgsqlParameter { Value = changeId });
        command.Parameters.Add(new NpgsqlParameter { Value = expectedStatus });
        command.Parameters.Add(new NpgsqlParameter { Value = newStatus });
        command.Parameters.Add(new NpgsqlParameter { Value = expectedRevision });
        command.Parameters.Add(new NpgsqlParameter { Value = details.ToJson() });
        command.Parameters.Add(new NpgsqlParameter { Value = ChangeProgress.Percent(details) });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await LockSource.DisposeAsync();
    }

    private static async Task<List<PendingChangeRecord>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<PendingChangeRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new PendingChangeRecord
            {
                ChangeId = reader.GetString(0),
                Type = reader.GetString(1),
                NodeId = reader.GetString(2),
                Status = reader.GetString(3),
                Progress = reader.GetInt32(4),
                StartTime = reader.GetFieldValue<DateTimeOffset>(5),
                CompletedAt = reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                Details = reader.IsDBNull(7) ? "{}" : reader.GetString(7),
                Error = reader.IsDBNull(8) ? null : reader.GetString(8),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(9),
            });
        }
        return rows;
    }
}
