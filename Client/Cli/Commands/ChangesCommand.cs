using Npgsql;
using PairDb.Client.Cli.Output;
using Spectre.Console;

namespace PairDb.Client.Cli.Commands;

/// <summary>
/// <c>changes</c>: the latest topology changes from <c>pending_changes</c> (the table the runbook's SQL
/// reads). While a bootstrap or decommission is in_progress on a terminal, a live progress bar follows it.
/// </summary>
public static class ChangesCommand
{
    private const string InProgress = "in_progress";
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(CliContext context)
    {
        var command = context.Command;
        command.ExpectAtMost(0);
        var limit = command.Int("--limit", 1, 10_000) ?? 20;
        var connectionString = context.MetadataConnectionString;
        var changes = await ReadAsync(connectionString, limit);
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new { changes });
            return CliApp.Ok;
        }
        if (!command.Has("--no-watch") && context.Console.Profile.Capabilities.Interactive && changes.Exists(c => c.Status == InProgress))
        {
            changes = await WatchAsync(context, connectionString, limit, changes);
        }
        var table = new Table().AddColumns("change_id", "type", "node_id", "status", "progress", "start_time", "completed_at", "error");
        foreach (var change in changes)
        {
            table.AddRow(Markup.Escape(change.ChangeId), Markup.Escape(change.Type), Markup.Escape(change.NodeId), Markup.Escape(change.Status),
                $"{change.Progress}%", Formats.Time(change.StartTime), Formats.Time(change.CompletedAt), Markup.Escape(change.Error ?? ""));
        }
        context.Console.Write(table);
        return CliApp.Ok;
    }

    /// <summary>Redraws one bar per running change until none is in_progress; returns the final rows.</summary>
    private static async Task<List<Change>> WatchAsync(CliContext context, string connectionString, int limit, List<Change> changes)
    {
        await context.Console.Progress().StartAsync(async progress =>
        {
            var bars = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
            using var ticks = new PeriodicTimer(PollInterval);
            while (true)
            {
                foreach (var change in changes)
                {
                    if (change.Status != InProgress && !bars.ContainsKey(change.ChangeId))
                    {
                        continue;
                    }
                    if (!bars.TryGetValue(change.ChangeId, out var bar))
                    {
                        bar = progress.AddTask(Markup.Escape($"{change.Type} {change.NodeId}"), maxValue: 100);
                        bars[change.ChangeId] = bar;
                    }
                    bar.Value = change.Progress;
                    if (change.Status != InProgress)
                    {
                        bar.Description = Markup.Escape($"{change.Type} {change.NodeId}: {change.Status}");
                        bar.StopTask();
                    }
                }
                if (!changes.Exists(c => c.Status == InProgress))
                {
                    return;
                }
                await ticks.WaitForNextTickAsync();
                changes = await ReadAsync(connectionString, limit);
            }
        });
        return changes;
    }

    private static async Task<List<Change>> ReadAsync(string connectionString, int limit)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT change_id, type, node_id, status, progress, start_time, completed_at, error " +
            "FROM pending_changes ORDER BY start_time DESC LIMIT @limit", connection);
        query.Parameters.AddWithValue("limit", limit);
        await using var reader = await query.ExecuteReaderAsync();
        var changes = new List<Change>();
        while (await reader.ReadAsync())
        {
            changes.Add(new Change(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }
        return changes;
    }

    private sealed record Change(
        string ChangeId, string Type, string NodeId, string Status, int Progress, DateTimeOffset StartTime, DateTimeOffset? CompletedAt, string? Error);
}
