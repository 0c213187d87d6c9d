using Grpc.Core;
using Npgsql;
using PairDb.Client.Cli.Commands;
using PairDb.Client.Cli.Output;
using PairDb.Client.Tooling;
using PairDb.Client.Tooling.Cluster;
using PairDb.Contracts.Errors;

namespace PairDb.Client.Cli;

/// <summary>
/// The <c>pairdb</c> command-line tool (run by <c>./pairdb</c>). Exit codes: 0 success, 1 failure (the
/// message names the pairdb error code when there is one), 2 usage error.
/// </summary>
public static class CliApp
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    /// <summary>Every command: its name, usage line, options taking a value, flags, and handler.</summary>
    internal static readonly CommandSpec[] Commands =
    [
        new("up", "up [--nodes N] [--base-port P] [--insecure]",
            "start PostgreSQL, the coordinator and N storage nodes (default 3) on loopback; secure (TLS, operator token, tenant keys) unless --insecure",
            ["--nodes", "--base-port"], ["--insecure"], ClusterCommands.UpAsync),
        new("down", "down", "stop every process `up` started in this data directory", [], [], ClusterCommands.DownAsync),
        new("status", "status [--json]", "nodes (state, status, ports, disk usage) and processes", [], [], StatusCommand.RunAsync),
        new("node", "node add|remove|kill|restart ID [--force]", "start and register / decommission and stop / SIGKILL / restart a local node",
            [], ["--force"], NodeCommand.RunAsync),
        new("psql", "psql [psql arguments]", "psql on the metadata database, e.g. psql -c \"SELECT * FROM storage_nodes\"", [], [], PsqlCommand.RunAsync),
        new("put", "put TENANT KEY VALUE [--w N | --consistency one|quorum|all] [--context B64] [--ttl SECONDS]", "write a value",
            ["--w", "--consistency", "--context", "--ttl"], [], KeyValueCommands.PutAsync),
        new("get", "get TENANT KEY [--r N | --consistency one|quorum|all]", "read every sibling and the context (base64)",
            ["--r", "--consistency"], [], KeyValueCommands.GetAsync),
        new("delete", "delete TENANT KEY [--w N | --consistency ...] [--context B64]", "delete a key (reads its context first unless --context)",
            ["--w", "--consistency", "--context"], [], KeyValueCommands.DeleteAsync),
        new("nodes", "nodes list | status ID | add ID HOST GRPC_PORT [--http-port P] [--virtual-nodes N] | remove ID [--force] | drain ID | undrain ID",
            "cluster membership through the coordinator", ["--http-port", "--virtual-nodes"], ["--force"], NodesCommand.RunAsync),
        new("changes", "changes [--limit N] [--no-watch]", "topology changes (pending_changes), with a live progress bar while one runs",
            ["--limit"], ["--no-watch"], ChangesCommand.RunAsync),
        new("hints", "hints", "stored hints per target node", [], [], HintsCommand.RunAsync),
        new("health", "health NODE", "a storage node's /health report", [], [], HealthCommand.RunAsync),
        new("tenants", "tenants create NAME [--expires-in-days N] | list | revoke NAME [KEY_ID]",
            "tenant API keys (operator): create prints the key as its last line and saves it to DIR/tenants/NAME.key; revoke without KEY_ID revokes all",
            ["--expires-in-days"], [], TenantsCommand.RunAsync),
    ];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args.Count == 0 || args[0] is "help" or "--help" or "-h")
        {
            (args.Count == 0 ? error : output).Write(UsageText());
            return args.Count == 0 ? Usage : Ok;
        }
        var spec = Array.Find(Commands, c => c.Name == args[0]);
        if (spec is null)
        {
            error.WriteLine($"error: unknown command '{args[0]}'");
            error.Write(UsageText());
            return Usage;
        }
        try
        {
            var rest = args.Skip(1).ToList();
            var command = spec.Name == "psql" ? PsqlCommand.Parse(rest) : CommandLine.Parse(rest, spec.Values, spec.Flags);
            if (command.Help)
            {
                output.WriteLine($"usage: pairdb {spec.Usage} [--data DIR] [--json]\n  {spec.Summary}");
                return Ok;
            }
            return await spec.Run(new CliContext(command, output, error));
        }
        catch (UsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            error.WriteLine($"usage: pairdb {spec.Usage} [--data DIR] [--json]");
            return Usage;
        }
        catch (Exception e) when (e is PairDbException or RpcException or ClusterException or LocalPostgresException or HostStartException
            or NpgsqlException or HttpRequestException or FileNotFoundException or IOException or TimeoutException)
        {
            error.WriteLine($"error: {ErrorReport.Describe(e)}");
            return Failed;
        }
    }

    internal static string UsageText()
    {
        var text = new System.Text.StringBuilder("usage: pairdb <command> [args] [--data DIR] [--json]\n\ncommands:\n");
        foreach (var command in Commands)
        {
            text.Append("  ").AppendLine(command.Usage).Append("      ").AppendLine(command.Summary);
        }
        text.AppendLine()
            .AppendLine("--data DIR        the local cluster (default .pairdb/ in the checkout)")
            .AppendLine("--coordinator URL the coordinator's gRPC endpoint (default: the local cluster's; env PAIRDB_COORDINATOR)")
            .AppendLine("--json            one JSON object on stdout")
            .AppendLine("exit codes: 0 ok, 1 error (names the error code, e.g. KEY_NOT_FOUND (1001)), 2 usage");
        return text.ToString();
    }
}

/// <summary>One CLI command.</summary>
internal sealed record CommandSpec(string Name, string Usage, string Summary, string[] Values, string[] Flags, Func<CliContext, Task<int>> Run);
