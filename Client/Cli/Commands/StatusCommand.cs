using Grpc.Core;
using PairDb.Client.Cli.Output;
using PairDb.Client.Tooling;
using PairDb.Client.Tooling.Cluster;
using PairDb.Client.Tooling.Security;
using PairDb.Contracts.Grpc;
using Spectre.Console;

namespace PairDb.Client.Cli.Commands;

/// <summary><c>status</c>: the local cluster's processes and the nodes as the coordinator sees them.</summary>
public static class StatusCommand
{
    public static async Task<int> RunAsync(CliContext context)
    {
        context.Command.ExpectAtMost(0);
        var state = context.State ?? throw new ClusterException(
            $"no local cluster in {context.DataDirectory} (no {ClusterState.FileName}); start one with ./pairdb up");
        IReadOnlyList<StorageNodeInfo> registered = [];
        string? coordinatorError = null;
        using (var coordinator = new CoordinatorConnection(context))
        {
            try
            {
                registered = (await coordinator.Client.ListStorageNodesAsync(new ListStorageNodesRequest(), deadline: CoordinatorConnection.CallDeadline)).Nodes;
            }
            catch (RpcException e)
            {
                coordinatorError = ErrorReport.Describe(e);
            }
        }
        var rows = await BuildRowsAsync(state, registered, coordinatorError is null, context.Access);
        if (context.Json)
        {
            JsonOutput.Write(context.Out, new
            {
                data_directory = context.DataDirectory,
                base_port = state.BasePort,
                security = ClusterSecurityView.Of(context.Access, state),
                coordinator = new
                {
                    grpc_endpoint = $"127.0.0.1:{state.CoordinatorGrpcPort}",
                    http_endpoint = $"{context.Access.Scheme}://127.0.0.1:{state.CoordinatorHttpPort}",
                    pid = state.Coordinator?.Pid,
                    running = ProcessIdentity.IsRunning(state.Coordinator),
                    error = coordinatorError,
                },
                postgres = new
                {
                    connection_string = ConnectionStrings.Redact(state.Postgres.ConnectionString),
                    managed = state.Postgres.Managed,
                    pid = state.Postgres.Process?.Pid,
                    running = state.Postgres.Managed ? ProcessIdentity.IsRunning(state.Postgres.Process) : (bool?)null,
                },
                nodes = rows,
            });
            return CliApp.Ok;
        }
        WriteTables(context, state, rows, coordinatorError);
        return CliApp.Ok;
    }

    private static async Task<List<NodeRow>> BuildRowsAsync(ClusterState state, IReadOnlyList<StorageNodeInfo> registered, bool coordinatorAnswered, ClusterAccess access)
    {
        var rows = new List<NodeRow>();
        foreach (var local in state.Nodes)
        {
            var info = registered.FirstOrDefault(n => n.NodeId == local.Id);
            rows.Add(new NodeRow(local.Id, "127.0.0.1", local.GrpcPort, local.HttpPort, local.Process?.Pid, ProcessIdentity.IsRunning(local.Process),
                info is not null ? Formats.State(info.State) : coordinatorAnswered ? "UNREGISTERED" : "UNKNOWN", info is null ? "UNKNOWN" : Formats.Status(info.Status), null));
        }
        foreach (var info in registered)
        {
            if (state.FindNode(info.NodeId) is null)
            {
                rows.Add(new NodeRow(info.NodeId, info.Host, (int)info.GrpcPort, (int)info.HttpPort, null, null, Formats.State(info.State), Formats.Status(info.Status), null));
            }
        }
        var reads = rows.ConvertAll(r => NodeHealth.TryReadAsync(r.Host, r.HttpPort, access));
        for (var i = 0; i < rows.Count; i++)
        {
            using var report = await reads[i];
            rows[i] = rows[i] with { DiskUsagePercent = NodeHealth.DiskUsagePercent(report), Health = NodeHealth.Describe(report) };
        }
        return rows;
    }

    private static void WriteTables(CliContext context, ClusterState state, List<NodeRow> rows, string? coordinatorError)
    {
        var console = context.Console;
        var processes = new Table().Title("processes").AddColumns("process", "pid", "running", "endpoints");
        processes.AddRow("postgres", Pid(state.Postgres.Process), state.Postgres.Managed ? YesNo(ProcessIdentity.IsRunning(state.Postgres.Process)) : "external",
            Markup.Escape(ConnectionStrings.Redact(state.Postgres.ConnectionString)));
        processes.AddRow("coordinator", Pid(state.Coordinator), YesNo(ProcessIdentity.IsRunning(state.Coordinator)),
            $"gRPC {context.Access.Scheme}://127.0.0.1:{state.CoordinatorGrpcPort}, HTTP {context.Access.Scheme}://127.0.0.1:{state.CoordinatorHttpPort}");
        console.Write(processes);
        var security = new Table().Title("security").AddColumns("setting", "value");
        foreach (var (setting, value) in ClusterSecurityView.Of(context.Access, state).Lines())
        {
            security.AddRow(setting, Markup.Escape(value));
        }
        console.Write(security);
        if (coordinatorError is not null)
        {
            context.Error.WriteLine($"warning: ListStorageNodes failed: {coordinatorError}");
        }
        var nodes = new Table().Title("storage nodes").AddColumns("id", "state", "status", "gRPC", "HTTP", "disk usage", "pid", "running", "health");
        foreach (var row in rows)
        {
            nodes.AddRow(Markup.Escape(row.Id), row.State, row.Status, $"{row.Host}:{row.GrpcPort}", $"{row.Host}:{row.HttpPort}",
                row.DiskUsagePercent is { } usage ? $"{usage:0.0}%" : "-", row.Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                row.Running is { } running ? YesNo(running) : "-", Markup.Escape(row.Health ?? "-"));
        }
        console.Write(nodes);
    }

    private static string Pid(ManagedProcess? process) => process?.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";

    private static string YesNo(bool value) => value ? "yes" : "no";

    // Health: the node's own /health in one line (the read-only cause, the disk status), so a DOWN node says why.
    private sealed record NodeRow(string Id, string Host, int GrpcPort, int HttpPort, int? Pid, bool? Running, string State, string Status, double? DiskUsagePercent, string? Health = null);
}
