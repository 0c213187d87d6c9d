using PairDb.Client.Cli.Output;

namespace PairDb.Client.Cli.Commands;

/// <summary><c>node add|remove|kill|restart ID</c>: a local storage node's process and membership together.</summary>
public static class NodeCommand
{
    public static async Task<int> RunAsync(CliContext context)
    {
        var command = context.Command;
        var action = command.Positional(0, "action (add, remove, kill or restart)");
        var id = command.Positional(1, "node ID");
        command.ExpectAtMost(2);
        if (action != "remove" && command.Has("--force"))
        {
            throw new UsageException("--force applies to node remove only");
        }
        var cluster = context.Cluster(progress: line => (context.Json ? context.Error : context.Out).WriteLine("==> " + line));
        object result;
        string message;
        switch (action)
        {
            case "add":
                var added = await cluster.AddNodeAsync(id);
                result = new { action, id, pid = added.Process?.Pid, grpc_port = added.GrpcPort, http_port = added.HttpPort };
                message = $"{id} started (pid {added.Process?.Pid}, gRPC 127.0.0.1:{added.GrpcPort}, HTTP 127.0.0.1:{added.HttpPort}), registered and UP";
                break;
            case "remove":
                var status = await cluster.RemoveNodeAsync(id, command.Has("--force"));
                result = new { action, id, decommission = status };
                message = status == "completed"
                    ? $"{id} removed from the ring and stopped (its data stays in {cluster.NodeDirectory(id)})"
                    : $"{id}: decommission {status}; follow it with ./pairdb changes";
                break;
            case "kill":
                var pid = await cluster.KillNodeAsync(id);
                result = new { action, id, pid };
                message = pid is null ? $"{id} was not running" : $"{id} (pid {pid}) killed with SIGKILL; ./pairdb node restart {id} brings it back";
                break;
            case "restart":
                var restarted = await cluster.RestartNodeAsync(id);
                result = new { action, id, pid = restarted.Process?.Pid };
                message = $"{id} restarted (pid {restarted.Process?.Pid}) and UP";
                break;
            default:
                throw new UsageException($"unknown node action '{action}' (add, remove, kill or restart)");
        }
        if (context.Json)
        {
            JsonOutput.Write(context.Out, result);
        }
        else
        {
            context.Out.WriteLine(message);
        }
        return CliApp.Ok;
    }
}
