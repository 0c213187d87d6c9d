using System.Globalization;
using Npgsql;
using PairDb.Integration.Tests.Topology.Harness;
using PairDb.Testing.Runbook;

namespace PairDb.Integration.Tests.Outage.Harness;

/// <summary>The runbook's hint backlog query (target_node_id, COUNT(*) ... GROUP BY target_node_id), run with psql as printed.</summary>
internal static class HintBacklog
{
    public static async Task<IReadOnlyDictionary<string, long>> ReadAsync(string connectionString)
    {
        var result = await Psql.RunAsync(connectionString, RunbookSql.HintBacklog);
        var backlog = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in result.Rows)
        {
            backlog[row["target_node_id"]] = long.Parse(row["hint_count"], CultureInfo.InvariantCulture);
        }
        return backlog;
    }

    /// <summary>The keys (as text) of the hints stored for one target node.</summary>
    public static async Task<HashSet<string>> KeysForAsync(string connectionString, string targetNodeId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT key FROM hints WHERE target_node_id = @target", connection);
        command.Parameters.AddWithValue("target", targetNodeId);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            keys.Add(System.Text.Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(0)));
        }
        return keys;
    }

    public static string Describe(IReadOnlyDictionary<string, long> backlog) =>
        backlog.Count == 0 ? "no hints" : string.Join(", ", backlog.Select(p => $"{p.Key}: {p.Value}"));
}
