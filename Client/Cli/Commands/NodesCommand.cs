using System.Globalization;
using System.Text.Json;
using PairDb.Client.Cli.Output;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using Spectre.Console;

namespace PairDb.Client.Cli.Commands;

/// <summary>
/// <c>nodes list|status|add|remove|drain|undrain</c>: membership through the coordinator only (no
/// process is started or stopped; <c>node ...</c> does that for a local cluster).
/// </summary>
public static class NodesCommand
{
    public static async Task<int> RunAsync(CliContext context)
    {
        var command = context.Command;
        var action = command.Positional(0, "action (list, status, add, remove, drain or undrain)");
        using var coordinator = new CoordinatorConnection(context);
        var client = coordinator.Client;
        switch (action)
        {
            case "list":
                command.ExpectAtMost(1);
                var list = await client.ListStorageNodesAsync(new ListStorageNodesRequest(), deadline: CoordinatorConnection.CallDeadline);
                WriteNodes(context, list.Nodes);
                return CliApp.Ok;
            case "status":
                command.ExpectAtMost(2);
                var status = await client.GetStorageNodeStatusAsync(
                    new GetStorageNodeStatusRequest { NodeId = command.Positional(1, "node ID") }, deadline: CoordinatorConnection.CallDeadline);
                WriteNodes(context, [status.Node], status.Change);
                return CliApp.Ok;
            case "add":
                command.ExpectAtMost(4);
                var added = await client.AddStorageNodeAsync(new AddStorageNodeRequest
                {
                    NodeId = command.Positional(1, "node ID"),
                    Host = command.Positional(2, "HOST"),
                    Port = (uint)ParsePort(command.Positional(3, "GRPC_PORT")),
                    HttpPort = (uint)(command.Int("--http-port", 1, 65535) ?? 0),
                    VirtualNodes = (uint)(command.Int("--virtual-nodes", 1, 65536) ?? 0),
                }, deadline: CoordinatorConnection.CallDeadline);
                WriteNodes(context, [added.Node], added.Change);
                return CliApp.Ok;
            case "remove":
                command.ExpectAtMost(2);
                var removed = await client.RemoveStorageNodeAsync(
                    new RemoveStorageNodeRequest { NodeId = command.Positional(1, "node ID"), Force = command.Has("--force") }, deadline: CoordinatorConnection.CallDeadline);
                WriteNodes(context, [removed.Node], removed.Change);
                return CliApp.Ok;
            case "drain" or "undrain":
                command.ExpectAtMost(2);
                return await DrainAsync(context, command.Positional(1, "node ID"), action);
            default:
                throw new UsageException($"unknown nodes action '{action}'");
        }
    }

    /// <summary>Drain and undrain are on the coordinator's HTTP admin API (runbook 3.4).</summary>
    private static async Task<int> DrainAsync(CliContext context, string nodeId, string action)
    {
        using var http = context.OperatorHttpClient();
        var url = new Uri(context.CoordinatorHttpEndpoint, $"/api/v1/nodes/{Uri.EscapeDataString(nodeId)}/{action}");
        using var response = await http.PostAsync(url, content: null);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw HttpError(url, (int)response.StatusCode, body);
        }
        if (context.Json)
        {
            context.Out.WriteLine(body);
        }
        else
        {
            context.Out.WriteLine($"{nodeId}: {action} done");
        }
        return CliApp.Ok;
    }

    private static Exception HttpError(Uri url, int status, string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var error = json.RootElement.GetProperty("error");
            return new PairDbException((ErrorCode)error.GetProperty("code").GetInt32(), error.GetProperty("message").GetString() ?? "");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new HttpRequestException($"POST {url} answered {status}: {body}");
        }
    }

    private static void WriteNodes(CliContext context, IReadOnlyList<StorageNodeInfo> nodes, TopologyChange? change = null)
    {
        if (context.Json)
        {
            var rows = new List<object>(nodes.Count);
            foreach (var node in nodes)
            {
                rows.Add(new
                {
                    id = node.NodeId, host = node.Host, grpc_port = node.GrpcPort, http_port = node.HttpPort, virtual_nodes = node.VirtualNodes,
                    state = Formats.State(node.State), status = Formats.Status(node.Status),
                    created_at = Formats.Time(node.CreatedAt), updated_at = Formats.Time(node.UpdatedAt),
                });
            }
            object? changeJson = change is null ? null : new
            {
                change_id = change.ChangeId, type = change.Type, node_id = change.NodeId, status = change.Status, progress = change.Progress,
                start_time = Formats.Time(change.StartTime), completed_at = Formats.Time(change.CompletedAt),
            };
            JsonOutput.Write(context.Out, new { nodes = rows, change = changeJson });
            return;
        }
        var table = new Table().AddColumns("id", "host", "gRPC", "HTTP", "vnodes", "state", "status", "updated");
        foreach (var node in nodes)
        {
            table.AddRow(Markup.Escape(node.NodeId), Markup.Escape(node.Host), Invariant(node.GrpcPort), Invariant(node.HttpPort), Invariant(node.VirtualNodes),
                Formats.State(node.State), Formats.Status(node.Status), Formats.Time(node.UpdatedAt) ?? "");
        }
        context.Console.Write(table);
        if (change is not null)
        {
            context.Out.WriteLine($"change {change.ChangeId}: {change.Type} of {change.NodeId} {change.Status} ({change.Progress}%)");
        }
    }

    private static int ParsePort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw new UsageException($"GRPC_PORT must be in 1..65535 (got '{text}')");

    private static string Invariant(uint value) => value.ToString(CultureInfo.InvariantCulture);
}
