using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using PairDb.Coordinator.Data;

namespace PairDb.Coordinator.Cleanup;

/// <summary>A completed (or aborted: the gainers' partial copies) change whose cleanup is not finished, with its <c>details.cleanup</c> as stored.</summary>
public sealed record CleanupCandidate(string ChangeId, string CleanupJson);

/// <summary>
/// Reads and writes <c>pending_changes.details.cleanup</c>. Candidates are few (completed changes
/// whose cleanup is pending), so they are filtered by the jsonb status in SQL and by due time in
/// <see cref="CleanupPlanner.IsDue"/>. Writes are compare-and-set on the cleanup object as read,
/// and touch only that key of <c>details</c>, so a concurrent update of other details is kept.
/// </summary>
public sealed class CleanupStore(IDbContextFactory<PairDbContext> contexts)
{
    private const string SelectCandidates =
        "SELECT change_id, (details->'cleanup')::text FROM pending_changes " +
        "WHERE status IN (@completed, @aborted) AND details->'cleanup'->>'status' IN (@scheduled, @failed) ORDER BY completed_at, change_id";

    private const string CompareAndSet =
        "UPDATE pending_changes SET details = jsonb_set(details, '{cleanup}', @cleanup), " +
        "status = CASE WHEN @cleaned_up AND status = @completed THEN @cleaned_up_status ELSE status END, updated_at = now() " +
        "WHERE change_id = @change_id AND status IN (@completed, @aborted) AND details->'cleanup' = @expected";

    public async Task<IReadOnlyList<CleanupCandidate>> LoadCandidatesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = await OpenAsync(db, cancellationToken);
        await using var command = new NpgsqlCommand(SelectCandidates, connection);
        command.Parameters.AddWithValue("completed", ChangeStatuses.Completed);
        command.Parameters.AddWithValue("aborted", ChangeStatuses.Aborted);
        command.Parameters.AddWithValue("scheduled", CleanupStatuses.Scheduled);
        command.Parameters.AddWithValue("failed", CleanupStatuses.FailedSafetyCheck);
        var candidates = new List<CleanupCandidate>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            candidates.Add(new CleanupCandidate(reader.GetString(0), reader.GetString(1)));
        }
        return candidates;
    }

    /// <summary>
    /// Replaces <c>details.cleanup</c> with <paramref name="cleanupJson"/> (and the change's status with
    /// <c>cleaned_up</c> when <paramref name="cleanedUp"/>) if the change is still completed and its
    /// cleanup still equals <paramref name="expectedJson"/>; false when someone else changed it first.
    /// </summary>
    public async Task<bool> TryWriteAsync(string changeId, string expectedJson, string cleanupJson, bool cleanedUp, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = await OpenAsync(db, cancellationToken);
        await using var command = new NpgsqlCommand(CompareAndSet, connection);
        command.Parameters.Add(new NpgsqlParameter("cleanup", NpgsqlDbType.Jsonb) { Value = cleanupJson });
        command.Parameters.Add(new NpgsqlParameter("expected", NpgsqlDbType.Jsonb) { Value = expectedJson });
        command.Parameters.AddWithValue("cleaned_up", cleanedUp);
        command.Parameters.AddWithValue("cleaned_up_status", ChangeStatuses.CleanedUp);
        command.Parameters.AddWithValue("change_id", changeId);
        command.Parameters.AddWithValue("completed", ChangeStatuses.Completed);
        command.Parameters.AddWithValue("aborted", ChangeStatuses.Aborted);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task<NpgsqlConnection> OpenAsync(PairDbContext db, CancellationToken cancellationToken)
    {
        DbConnection connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(cancellationToken);
        }
        return (NpgsqlConnection)connection;
    }
}
