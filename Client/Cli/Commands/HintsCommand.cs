using System.Globalization;
using System.Text.Json;
using Npgsql;
using PairDb.Client.Cli.Output;
using Spectre.Console;

namespace PairDb.Client.Cli.Commands;

/// <summary>
/// <c>hints</c>: hinted-handoff writes per target node: stored ones from the <c>hints</c> table and, apart from
/// them, the ones in the coordinator's local spool (PostgreSQL could not take them in time; from its <c>/health</c>).
/// While PostgreSQL is unreachable the spooled part is still shown, the table said to be unavailable, exit 0.
/// </summary>
public static class HintsCommand
{
    public static async Task<int> RunAsync(CliContext context)
    {
        context.Command.ExpectAtMost(0);
        List<Target>? targets = null;
        Exception? tableError = null;
        try
        {
            targets = await StoredAsync(context);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            tableError = e;
        }
        var spool = await SpoolAsync(context);
        if (targets is null && spool is null)
        {
            throw tableError!;
        }
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new
            {
                targets = targets ?? [],
                total = targets?.Sum(t => t.Hints),
                table_available = targets is not null,
                spooled = spool,
            });
            return CliApp.Ok;
        }
        if (targets is null)
        {
            context.Out.WriteLine($"hints table unavailable (PostgreSQL unreachable: {tableError!.Message})");
        }
        if (spool is not null)
        {
            context.Out.WriteLine($"spooled on the coordinator: {spool.Total} hints, {spool.Bytes} of {spool.CapacityBytes} bytes");
        }
        var stored = targets ?? [];
        var spooledByTarget = spool?.ByTarget ?? [];
        if (stored.Count == 0 && spooledByTarget.Count == 0)
        {
            context.Out.WriteLine("no hints stored");
            return CliApp.Ok;
        }
        var table = new Table().AddColumns("target_node_id", "hints", "spooled", "bytes", "oldest", "max replay_count");
        foreach (var node in stored.Select(t => t.TargetNodeId).Union(spooledByTarget.Keys).Order(StringComparer.Ordinal))
        {
            var target = stored.Find(t => t.TargetNodeId == node);
            table.AddRow(Markup.Escape(node), target?.Hints.ToString(CultureInfo.InvariantCulture) ?? "-",
                spooledByTarget.GetValueOrDefault(node).ToString(CultureInfo.InvariantCulture),
                target?.Bytes.ToString(CultureInfo.InvariantCulture) ?? "-", target is null ? "-" : Formats.Time(target.Oldest),
                target?.MaxReplayCount.ToString(CultureInfo.InvariantCulture) ?? "-");
        }
        context.Console.Write(table);
        return CliApp.Ok;
    }

    private static async Task<List<Target>> StoredAsync(CliContext context)
    {
        await using var connection = new NpgsqlConnection(context.MetadataConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT target_node_id, count(*), coalesce(sum(payload_size), 0), min(created_at), max(replay_count) " +
            "FROM hints GROUP BY target_node_id ORDER BY target_node_id", connection);
        await using var reader = await query.ExecuteReaderAsync();
        var targets = new List<Target>();
        while (await reader.ReadAsync())
        {
            targets.Add(new Target(reader.GetString(0), reader.GetInt64(1), Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt32(4)));
        }
        return targets;
    }

    /// <summary>The coordinator's spool from its <c>/health</c> (read whatever its status code); null when it does not answer.</summary>
    private static async Task<Spool?> SpoolAsync(CliContext context)
    {
        try
        {
            using var http = context.OperatorHttpClient();
            using var response = await http.GetAsync(new Uri(context.CoordinatorHttpEndpoint, "/health"));
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (!json.RootElement.TryGetProperty("hints", out var hints))
            {
                return null;
            }
            var byTarget = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var target in hints.GetProperty("spooled_by_target").EnumerateObject())
            {
                byTarget[target.Name] = target.Value.GetInt64();
            }
            return new Spool(hints.GetProperty("spooled").GetInt64(), hints.GetProperty("spool_bytes").GetInt64(),
                hints.GetProperty("spool_capacity_bytes").GetInt64(), byTarget);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private sealed record Target(string TargetNodeId, long Hints, long Bytes, DateTimeOffset Oldest, int MaxReplayCount);

    private sealed record Spool(long Total, long Bytes, long CapacityBytes, Dictionary<string, long> ByTarget);
}
