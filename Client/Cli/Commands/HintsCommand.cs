using Npgsql;
using PairDb.Client.Cli.Output;
using Spectre.Console;

namespace PairDb.Client.Cli.Commands;

/// <summary><c>hints</c>: stored hinted-handoff writes per target node, from the <c>hints</c> table.</summary>
public static class HintsCommand
{
    public static async Task<int> RunAsync(CliContext context)
    {
        context.Command.ExpectAtMost(0);
        await using var connection = new NpgsqlConnection(context.MetadataConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT target_node_id, count(*), coalesce(sum(payload_size), 0), min(created_at), max(replay_count) " +
            "FROM hints GROUP BY target_node_id ORDER BY target_node_id", connection);
        await using var reader = await query.ExecuteReaderAsync();
        var targets = new List<Target>();
        while (await reader.ReadAsync())
        {
            targets.Add(new Target(reader.GetString(0), reader.GetInt64(1), Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt32(4)));
        }
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new { targets, total = targets.Sum(t => t.Hints) });
            return CliApp.Ok;
        }
        if (targets.Count == 0)
        {
            context.Out.WriteLine("no hints stored");
            return CliApp.Ok;
        }
        var table = new Table().AddColumns("target_node_id", "hints", "bytes", "oldest", "max replay_count");
        foreach (var target in targets)
        {
            table.AddRow(Markup.Escape(target.TargetNodeId), target.Hints.ToString(System.Globalization.CultureInfo.InvariantCulture),
                target.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture), Formats.Time(target.Oldest),
                target.MaxReplayCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        context.Console.Write(table);
        return CliApp.Ok;
    }

    private sealed record Target(string TargetNodeId, long Hints, long Bytes, DateTimeOffset Oldest, int MaxReplayCount);
}
