using System.Text.Json;
using Npgsql;
using PairDb.Chaos.Cluster;

namespace PairDb.Chaos.Run;

/// <summary>
/// The hinted-handoff backlog as <c>./pairdb hints</c> counts it: rows of the <c>hints</c> table plus what each
/// coordinator still holds in its local spool (its <c>/health</c> <c>hints.spooled</c>).
/// </summary>
public static class HintBacklog
{
    public static async Task<(long Total, string Detail)> ReadAsync(ChaosCluster cluster, CancellationToken ct)
    {
        long table;
        await using (var connection = new NpgsqlConnection(cluster.PostgresConnectionString + ";Timeout=5;Command Timeout=5"))
        {
            await connection.OpenAsync(ct);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM hints", connection);
            table = (long)(await count.ExecuteScalarAsync(ct))!;
        }
        long spooled = 0;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var coordinator in cluster.Layout.Coordinators)
        {
            using var response = await http.GetAsync(new Uri(coordinator.Http, "/health"), ct);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (json.RootElement.TryGetProperty("hints", out var hints) && hints.TryGetProperty("spooled", out var s))
            {
                spooled += s.GetInt64();
            }
        }
        return (table + spooled, $"{table} in the hints table, {spooled} spooled on coordinators");
    }

    /// <summary>Polls until the backlog is 0; returns how long that took, or null (with the last count) after <paramref name="timeout"/>.</summary>
    public static async Task<(TimeSpan? DrainedAfter, string Last)> WaitDrainedAsync(ChaosCluster cluster, TimeSpan timeout, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var last = "not read yet";
        while (clock.Elapsed < timeout)
        {
            try
            {
                var (total, detail) = await ReadAsync(cluster, ct);
                last = detail;
                if (total == 0)
                {
                    return (clock.Elapsed, detail);
                }
            }
            catch (Exception e) when (e is NpgsqlException or HttpRequestException or TaskCanceledException or JsonException or TimeoutException)
            {
                last = "backlog not readable: " + e.Message;
            }
            await Task.Delay(500, ct);
        }
        return (null, last);
    }
}
