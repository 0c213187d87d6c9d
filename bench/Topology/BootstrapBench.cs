using Grpc.Net.Client;
using PairDb.Bench.Cluster;
using PairDb.Bench.Load;
using PairDb.Contracts.Grpc;

namespace PairDb.Bench.Topology;

/// <summary>What the cluster part measured.</summary>
public sealed record BootstrapResult(
    PhaseFigures Load,
    TimeSpan Settle,
    PhaseFigures Before,
    PhaseFigures During,
    BootstrapOutcome Outcome,
    double BytesMoved,
    double GaugePeakMbps,
    double GaugeMeanMbps)
{
    /// <summary>The bootstrap's duration: the coordinator's completed_at - start_time when it has both, else what the poll saw.</summary>
    public TimeSpan Duration => Outcome.ServerDuration ?? Outcome.Observed;

    public double MegabytesPerSecond => BytesMoved / 1e6 / Duration.TotalSeconds;
}

/// <summary>
/// A scratch cluster (PostgreSQL, coordinator, three nodes, plus a fourth started but not registered) loaded
/// with the data set through the coordinator; then a paced client load runs for a window before, and on
/// through the bootstrap of the fourth node, whose duration, moved bytes and client p99 are the figures.
/// </summary>
public sealed class BootstrapBench(TopologyBenchOptions options, TextWriter output)
{
    private const string NewNode = "storage-node-4";
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(30);

    /// <summary>Coordinator and nodes together below this many cores count as at rest (heartbeats, probes, metrics).</summary>
    private const double IdleCores = 0.15;

    public async Task<BootstrapResult> RunAsync(CancellationToken cancellationToken)
    {
        var data = new DataSet(options);
        await using var cluster = await ScratchCluster.StartAsync(output, options.DataDirectory, spareNodes: 1, options.CoordinatorArguments);
        var members = new List<Uri>(3);
        for (var i = 0; i < 3; i++)
        {
            members.Add(cluster.Nodes[i].Admin);
        }

        var spare = cluster.Nodes[3];
        var coordinatorUri = new Uri("http://" + cluster.Target);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var load = new ClientLoad(coordinatorUri, data, options);
        await load.ConnectAsync(cancellationToken);
        // "node" in the client table: the coordinator and all four storage nodes (PostgreSQL is "other").
        var pids = new List<int>(cluster.Hosts.Count);
        foreach (var host in cluster.Hosts)
        {
            pids.Add(host.Pid);
        }

        var cpu = new CpuMeter(pids);

        output.WriteLine($"  loading through the coordinator: {data.Count:N0} keys x {data.ValueSize} B ({options.DataGib:F2} GiB of values, x3 replicas), batches of {data.Batch}");
        var loaded = await LoadDriver.RunAsync(load.Load(), cpu, cancellationToken);
        output.WriteLine($"  loaded in {loaded.Elapsed.TotalSeconds:F1} s ({data.Count / loaded.Elapsed.TotalSeconds:N0} keys/s), {loaded.FailedItems} failed items");
        if (loaded.FailedItems > 0)
        {
            throw new InvalidOperationException($"loading the cluster failed: {loaded.FailedItems} items; first: {loaded.FirstError}");
        }

        var settle = await MetricsScrape.WaitForNoCompactionAsync(http, members, SettleLimit, cancellationToken);
        var (idle, cores) = await CpuSettle.WaitAsync(cpu, IdleCores, IdleLimit, cancellationToken);
        output.WriteLine($"  compaction settled in {settle.TotalSeconds:F1} s, servers at {cores:F2} cores after {idle.TotalSeconds:F0} s more; " +
            $"client load: {options.Rate:F0} ops/s (half Gets of loaded keys, half Puts of new keys)");
        await LoadDriver.RunAsync(load.Mixed("warmup", Warmup, CancellationToken.None), cpu, cancellationToken);
        var before = await LoadDriver.RunAsync(load.Mixed("before", options.Duration, CancellationToken.None), cpu, cancellationToken);
        output.WriteLine($"  before: {before.Calls:N0} calls in {before.Elapsed.TotalSeconds:F1} s, p99 {before.Latency.PercentileMs(99):F2} ms");

        using var channel = GrpcChannel.ForAddress(coordinatorUri);
        var coordinator = new CoordinatorService.CoordinatorServiceClient(channel);
        var bytesBefore = await MetricsScrape.SumAsync(http, spare.Admin, "streaming_bytes_transferred", cancellationToken) ?? 0;
        using var bootstrapDone = new CancellationTokenSource();
        var timeline = new LatencyTimeline();
        var phases = new List<(double Seconds, string State)>();
        var during = LoadDriver.RunAsync(load.Mixed("during", options.BootstrapTimeout, bootstrapDone.Token, timeline), cpu, cancellationToken);
        var gauge = GaugeSampler.Start(http, spare.Admin, "streaming_throughput_mbps");
        BootstrapOutcome outcome;
        try
        {
            output.WriteLine($"  AddStorageNode {NewNode} (127.0.0.1:{spare.GrpcPort})");
            timeline.Start();
            outcome = await BootstrapWatch.RunAsync(coordinator, http, cluster.CoordinatorAdmin, new AddStorageNodeRequest
            {
                NodeId = NewNode, Host = "127.0.0.1", Port = (uint)spare.GrpcPort, HttpPort = (uint)spare.HttpPort,
            }, options.BootstrapTimeout, phases, cancellationToken);
        }
        finally
        {
            await bootstrapDone.CancelAsync();
            await gauge.DisposeAsync();
        }

        var duringFigures = await during;
        var bytesAfter = await MetricsScrape.SumAsync(http, spare.Admin, "streaming_bytes_transferred", cancellationToken) ?? double.NaN;
        var rebalance = await BootstrapWatch.RebalanceAsync(http, cluster.CoordinatorAdmin, NewNode, cancellationToken);
        foreach (var line in outcome.Timeline)
        {
            output.WriteLine("    " + line);
        }

        timeline.Write(output, outcome.Observed.TotalSeconds, phases);
        output.WriteLine($"  during: {duringFigures.Calls:N0} calls in {duringFigures.Elapsed.TotalSeconds:F1} s, p99 {duringFigures.Latency.PercentileMs(99):F2} ms");
        return new BootstrapResult(loaded, settle, before, duringFigures, outcome with { Rebalance = rebalance }, bytesAfter - bytesBefore, gauge.Peak, gauge.Mean);
    }
}
