using System.Diagnostics;
using Npgsql;
using PairDb.Client.Tooling;

namespace PairDb.Client.Cli.Commands;

/// <summary>
/// <c>psql [args]</c>: psql on the metadata database, with every argument passed through, so the
/// runbook's SQL runs as written (<c>./pairdb psql -c "SELECT * FROM pending_changes"</c>).
/// </summary>
public static class PsqlCommand
{
    /// <summary>Takes out <c>--data</c> and <c>--postgres</c>; everything else is psql's.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var ours = new List<string>();
        var theirs = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--data" or "--postgres" && i + 1 < args.Count)
            {
                ours.Add(arg);
                ours.Add(args[++i]);
            }
            else if (arg.StartsWith("--data=", StringComparison.Ordinal) || arg.StartsWith("--postgres=", StringComparison.Ordinal))
            {
                ours.Add(arg);
            }
            else
            {
                theirs.Add(arg);
            }
        }
        ours.Add("--");
        ours.AddRange(theirs);
        return CommandLine.Parse(ours);
    }

    public static async Task<int> RunAsync(CliContext context)
    {
        var connection = new NpgsqlConnectionStringBuilder(context.MetadataConnectionString);
        var startInfo = new ProcessStartInfo(LocatePsql()) { UseShellExecute = false };
        // libpq's own variables: nothing of the connection string is re-quoted on a command line.
        startInfo.Environment["PGHOST"] = connection.Host ?? "127.0.0.1";
        startInfo.Environment["PGPORT"] = connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        startInfo.Environment["PGDATABASE"] = connection.Database ?? "pairdb";
        if (!string.IsNullOrEmpty(connection.Username))
        {
            startInfo.Environment["PGUSER"] = connection.Username;
        }
        if (!string.IsNullOrEmpty(connection.Password))
        {
            startInfo.Environment["PGPASSWORD"] = connection.Password;
        }
        foreach (var arg in context.Command.Positionals)
        {
            startInfo.ArgumentList.Add(arg);
        }
        using var psql = Process.Start(startInfo) ?? throw new IOException("could not start psql");
        await psql.WaitForExitAsync();
        return psql.ExitCode;
    }

    private static string LocatePsql()
    {
        // The client next to the server binaries matches the server; otherwise whatever PATH has.
        var binaries = PostgresBinaries.TryLocate();
        if (binaries is not null && File.Exists(Path.Combine(binaries.Directory, "psql")))
        {
            return Path.Combine(binaries.Directory, "psql");
        }
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(directory, "psql");
            if (directory.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("psql not found (install the PostgreSQL client: apt-get install -y postgresql-client)");
    }
}
