using System.Diagnostics;
using Npgsql;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>The result of one psql command: the column names and the rows, each cell as psql printed it.</summary>
internal sealed record PsqlResult(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyDictionary<string, string>> Rows, string Output)
{
    public override string ToString() => Output;
}

/// <summary>
/// Runs the runbook's <c>psql -h ... -U ... -d ... -c "..."</c> commands with the real psql client
/// against the test database: host, port, user and database name are the test's, the SQL is the
/// runbook's as printed. Unaligned output (-A, '|' separated) and no psqlrc (-X) only change how
/// the rows are printed, so the test can read them.
/// </summary>
internal static class Psql
{
    private const string Separator = "|";

    public static async Task<PsqlResult> RunAsync(string connectionString, string sql)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo("psql")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "-h", target.Host!, "-p", target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", target.Username!, "-d", target.Database!, "-X", "-A", "-F", Separator, "-v", "ON_ERROR_STOP=1", "-c", sql,
        })
        {
            start.ArgumentList.Add(argument);
        }
        if (!string.IsNullOrEmpty(target.Password))
        {
            start.Environment["PGPASSWORD"] = target.Password;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("psql did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(deadline.Token);
        Assert.That(process.ExitCode, Is.Zero, $"psql -c \"{sql}\" succeeds; stderr: {await error}");
        return Parse(await output);
    }

    /// <summary>The one row of <paramref name="result"/> whose change_id is <paramref name="changeId"/>; fails otherwise.</summary>
    public static IReadOnlyDictionary<string, string> Row(PsqlResult result, string changeId, string what)
    {
        var rows = result.Rows.Where(r => r.TryGetValue("change_id", out var id) && id == changeId).ToList();
        Assert.That(rows, Has.Count.EqualTo(1), $"runbook {what} shows change {changeId}:\n{result}");
        return rows[0];
    }

    /// <summary>Header line, rows, then "(n rows)" (or "UPDATE n" for a statement without rows).</summary>
    private static PsqlResult Parse(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || !lines[^1].StartsWith('('))
        {
            return new PsqlResult([], [], output);
        }
        var columns = lines[0].Split(Separator);
        var rows = new List<IReadOnlyDictionary<string, string>>();
        for (var i = 1; i < lines.Length - 1; i++)
        {
            var cells = lines[i].Split(Separator);
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var c = 0; c < columns.Length && c < cells.Length; c++)
            {
                row[columns[c]] = cells[c];
            }
            rows.Add(row);
        }
        return new PsqlResult(columns, rows, output);
    }
}
