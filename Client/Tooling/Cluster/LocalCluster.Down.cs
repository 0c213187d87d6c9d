namespace PairDb.Client.Tooling.Cluster;

public sealed partial class LocalCluster
{
    private static readonly TimeSpan HostStopGrace = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan PostgresStopGrace = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Stops every process recorded in cluster.json that is still the process we started (nodes, then
    /// the coordinator, then PostgreSQL) and forgets their PIDs. Data, logs and ports stay for the next <c>up</c>.
    /// Returns what it stopped.
    /// </summary>
    public async Task<IReadOnlyList<string>> DownAsync(CancellationToken cancellationToken = default)
    {
        var stopped = new List<string>();
        if (!File.Exists(Path.Combine(DataDirectory, ClusterState.FileName)))
        {
            // Nothing was ever started here; taking the lock would create the directory.
            return stopped;
        }
        using var held = ClusterLock.Acquire(DataDirectory);
        var state = LoadState()!;
        var nodeStops = new List<(NodeProcess Node, Task<bool> Stop)>();
        foreach (var node in state.Nodes)
        {
            nodeStops.Add((node, ProcessIdentity.StopAsync(node.Process, UnixSignal.TerminateSignal, HostStopGrace, cancellationToken)));
        }
        foreach (var (node, stop) in nodeStops)
        {
            if (await stop)
            {
                stopped.Add($"{node.Id} (pid {node.Process!.Pid})");
            }
            node.Process = null;
        }
        if (await ProcessIdentity.StopAsync(state.Coordinator, UnixSignal.TerminateSignal, HostStopGrace, cancellationToken))
        {
            stopped.Add($"coordinator (pid {state.Coordinator!.Pid})");
        }
        state.Coordinator = null;
        if (await ProcessIdentity.StopAsync(state.Postgres.Process, UnixSignal.Interrupt, PostgresStopGrace, cancellationToken))
        {
            stopped.Add($"postgres (pid {state.Postgres.Process!.Pid})");
        }
        state.Postgres.Process = null;
        state.Save(DataDirectory);
        return stopped;
    }
}
