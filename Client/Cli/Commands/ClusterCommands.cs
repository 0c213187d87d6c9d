using System.Diagnostics;
using PairDb.Client.Cli.Output;
using PairDb.Client.Tooling;
using PairDb.Client.Tooling.Cluster;

namespace PairDb.Client.Cli.Commands;

/// <summary><c>up</c> and <c>down</c>: the local cluster's processes.</summary>
public static class ClusterCommands
{
    public static async Task<int> UpAsync(CliContext context)
    {
        var command = context.Command;
        command.ExpectAtMost(0);
        var basePort = command.Int("--base-port", 1024, 65535);
        var nodes = command.Int("--nodes", 1, ClusterPorts.MaxSlots);
        // With --json, stdout carries only the final object.
        var progress = context.Json ? context.Error : context.Out;
        var stopwatch = Stopwatch.StartNew();
        var result = await context.Cluster(basePort, nodes, line => progress.WriteLine("==> " + line), command.Has("--insecure")).UpAsync();
        stopwatch.Stop();
        if (context.Json)
        {
            return await StatusCommand.RunAsync(context);
        }
        var output = context.Out;
        if (result.Changed)
        {
            output.WriteLine($"cluster up in {stopwatch.Elapsed.TotalSeconds:0.0} s (data: {context.DataDirectory})");
            output.WriteLine($"  started: {string.Join(", ", result.Started)}");
            if (result.AlreadyRunning.Count > 0)
            {
                output.WriteLine($"  already running: {string.Join(", ", result.AlreadyRunning)}");
            }
        }
        else
        {
            output.WriteLine($"cluster in {context.DataDirectory} is already running; nothing changed");
        }
        WriteEndpoints(context, result.State);
        return CliApp.Ok;
    }

    public static async Task<int> DownAsync(CliContext context)
    {
        context.Command.ExpectAtMost(0);
        var stopped = await context.Cluster().DownAsync();
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new { data_directory = context.DataDirectory, stopped });
        }
        else if (stopped.Count == 0)
        {
            context.Out.WriteLine($"nothing was running in {context.DataDirectory}");
        }
        else
        {
            context.Out.WriteLine($"stopped {string.Join(", ", stopped)}");
        }
        return CliApp.Ok;
    }

    private static void WriteEndpoints(CliContext context, ClusterState state)
    {
        var output = context.Out;
        var scheme = context.Access.Scheme;
        output.WriteLine();
        output.WriteLine($"  coordinator  gRPC {scheme}://127.0.0.1:{state.CoordinatorGrpcPort}  HTTP {scheme}://127.0.0.1:{state.CoordinatorHttpPort}  (pid {state.Coordinator?.Pid})");
        output.WriteLine($"  postgres     {ConnectionStrings.Redact(state.Postgres.ConnectionString)}{(state.Postgres.Managed ? $"  (pid {state.Postgres.Process?.Pid})" : "  (external)")}");
        foreach (var node in state.Nodes)
        {
            output.WriteLine($"  {node.Id,-12} gRPC {scheme}://127.0.0.1:{node.GrpcPort}  HTTP {scheme}://127.0.0.1:{node.HttpPort}  (pid {node.Process?.Pid})");
        }
        output.WriteLine($"  logs         {Path.Combine(context.DataDirectory, "logs")}");
        foreach (var (setting, value) in ClusterSecurityView.Of(context.Access, state).Lines())
        {
            output.WriteLine($"  {setting,-15}{value}");
        }
        var data = IsDefaultDataDirectory(context) ? "" : $" --data {context.DataDirectory}";
        output.WriteLine();
        output.WriteLine("try:");
        output.WriteLine($"  ./pairdb put t1 k1 v1{data}");
        output.WriteLine($"  ./pairdb get t1 k1{data}");
        output.WriteLine($"  ./pairdb status{data}");
    }

    private static bool IsDefaultDataDirectory(CliContext context) =>
        context.RepositoryRoot is { } root && string.Equals(context.DataDirectory, Path.Combine(root, ".pairdb"), StringComparison.Ordinal);
}
