using System.Text.Json;
using Grpc.Core;
using PairDb.Client.Cli.Output;
using PairDb.Client.Tooling.Cluster;
using PairDb.Contracts.Grpc;
using Spectre.Console;

namespace PairDb.Client.Cli.Commands;

/// <summary><c>health NODE</c>: the node's <c>/health</c> report (runbook 6.1), found by id in the local cluster or through the coordinator.</summary>
public static class HealthCommand
{
    public static async Task<int> RunAsync(CliContext context)
    {
        var command = context.Command;
        var nodeId = command.Positional(0, "NODE id");
        command.ExpectAtMost(1);
        var (host, port) = await LocateAsync(context, nodeId);
        var url = NodeHealth.Url(host, port, context.Access);
        using var report = await NodeHealth.TryReadAsync(host, port, context.Access)
            ?? throw new ClusterException($"{nodeId} does not answer on {url}");
        if (context.Json)
        {
            context.Out.WriteLine(JsonSerializer.Serialize(report.RootElement, JsonOutput.Options));
            return CliApp.Ok;
        }
        var table = new Table().Title(Markup.Escape($"{nodeId} {url}")).AddColumns("field", "value");
        AddRows(table, "", report.RootElement);
        context.Console.Write(table);
        return CliApp.Ok;
    }

    private static async Task<(string Host, int Port)> LocateAsync(CliContext context, string nodeId)
    {
        if (context.State?.FindNode(nodeId) is { } local)
        {
            return ("127.0.0.1", local.HttpPort);
        }
        using var coordinator = new CoordinatorConnection(context);
        try
        {
            var reply = await coordinator.Client.GetStorageNodeStatusAsync(new GetStorageNodeStatusRequest { NodeId = nodeId }, deadline: CoordinatorConnection.CallDeadline);
            return (reply.Node.Host, (int)reply.Node.HttpPort);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable)
        {
            throw new ClusterException($"{nodeId} is not in the local cluster {context.DataDirectory} and the coordinator is unreachable: {e.Status.Detail}");
        }
    }

    /// <summary>Flattens nested objects into dotted names (disk.usage_percent), one row per value.</summary>
    private static void AddRows(Table table, string prefix, JsonElement element)
    {
        foreach (var property in element.EnumerateObject())
        {
            var name = prefix + property.Name;
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                AddRows(table, name + ".", property.Value);
            }
            else
            {
                table.AddRow(Markup.Escape(name), Markup.Escape(property.Value.ToString()));
            }
        }
    }
}
