using System.Diagnostics;
using System.Globalization;
using Npgsql;
using PairDb.Bench.Cluster;
using PairDb.Bench.Load;
using PairDb.Bench.Topology;
using PairDb.Contracts.Grpc;

namespace PairDb.Bench.Outage;

/// <summary>
/// <c>pairdb bench outage</c>: what clients see while PostgreSQL is away (issue 15). A scratch cluster with its
/// own PostgreSQL runs a closed-loop load through four phases: baseline; PostgreSQL stopped; PostgreSQL stopped
/// and a storage node SIGKILLed (every put now needs a hint for it); PostgreSQL back and the node restarted.
/// Per phase: ops/s, failures by error code, put and get p50/p99; then the hints spooled, moved into
/// PostgreSQL and replayed, and how long the hints table took to drain.
/// </summary>
public sealed class OutageBenchmark(OutageBenchOptions options, TextWriter output)
{
    private const int Victim = 2;
    private static readonly string[] HintMetrics =
        ["hints_stored_total", "hints_spooled_total", "hints_spool_full_total", "hints_unspooled_total", "hints_replayed_from_spool_total", "hints_replayed_total"];

    public async Task<int> RunAsync()
    {
        await using var cluster = await ScratchCluster.StartAsync(output);
        await WaitForNormalAsync(cluster);
        var victim = cluster.Nodes[Victim].NodeId;
        var phase = TimeSpan.FromSeconds(options.PhaseSeconds);
        output.WriteLine($"{options.Threads} clients, {options.ReadPercent}% gets (quorum), puts W=2 of fresh {options.ValueSize}-byte values, {options.PhaseSeconds} s per phase, {Environment.ProcessorCount} cores");
        var phases = new List<OutagePhase>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using (var pool = new ChannelPool(cluster.Endpoint, 4))
        {
            await using var load = new ClosedLoopLoad(pool, options);
            await Task.Delay(phase);
            phases.Add(Print(load.EndPhase("baseline")));
            await cluster.StopPostgresAsync();
            await Task.Delay(phase);
            phases.Add(Print(load.EndPhase("PostgreSQL stopped")));
            cluster.KillNode(Victim);
            await Task.Delay(phase);
            phases.Add(Print(load.EndPhase($"PostgreSQL stopped, {victim} killed")));
            var recovery = Stopwatch.StartNew();
            await cluster.StartPostgresAsync();
            await cluster.RestartNodeAsync(Victim);
            var remaining = phase - recovery.Elapsed;
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining);
            }
            phases.Add(Print(load.EndPhase($"PostgreSQL back, {victim} restarted")));
        }
        await ReportHintsAsync(cluster, http);
        return 0;
    }

    /// <summary>The three registered nodes have finished their bootstraps: the baseline starts from a settled ring.</summary>
    private static async Task WaitForNormalAsync(ScratchCluster cluster)
    {
        using var channel = cluster.Access.OperatorChannel(cluster.Endpoint);
        var admin = new CoordinatorService.CoordinatorServiceClient(channel);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var listed = await admin.ListStorageNodesAsync(new ListStorageNodesRequest());
            if (listed.Nodes.Count == 3 && listed.Nodes.All(n => n.State == NodeState.Normal))
            {
                return;
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new TimeoutException("the scratch cluster's nodes did not all become NORMAL within 120 s");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>The coordinator's hint counters, then the wait until PostgreSQL's hints table is empty.</summary>
    private async Task ReportHintsAsync(ScratchCluster cluster, HttpClient http)
    {
        var drain = Stopwatch.StartNew();
        long left;
        while ((left = await HintCountAsync(cluster)) > 0 && drain.Elapsed < TimeSpan.FromSeconds(options.DrainTimeoutSeconds))
        {
            await Task.Delay(250);
        }
        output.WriteLine(left == 0
            ? string.Create(CultureInfo.InvariantCulture, $"hints table drained {drain.Elapsed.TotalSeconds:0.0} s after the last phase")
            : $"hints table NOT drained after {options.DrainTimeoutSeconds} s: {left} hints left");
        var counters = new List<string>();
        foreach (var metric in HintMetrics)
        {
            var value = await MetricsScrape.SumAsync(http, cluster.CoordinatorAdmin, metric, CancellationToken.None);
            counters.Add(string.Create(CultureInfo.InvariantCulture, $"{metric} {(value is null ? "-" : value.Value.ToString("0", CultureInfo.InvariantCulture))}"));
        }
        output.WriteLine("coordinator hint counters: " + string.Join(", ", counters));
    }

    private static async Task<long> HintCountAsync(ScratchCluster cluster)
    {
        await using var connection = new NpgsqlConnection(cluster.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT COUNT(*) FROM hints", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private OutagePhase Print(OutagePhase phase)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{phase.Name,-40} {phase.OpsPerSecond,8:N0} ops/s  put p50 {phase.Puts.PercentileMs(50),8:0.0} ms  p99 {phase.Puts.PercentileMs(99),8:0.0} ms" +
            $"  get p50 {phase.Gets.PercentileMs(50),8:0.0} ms  p99 {phase.Gets.PercentileMs(99),8:0.0} ms  failed {phase.Failed}"));
        foreach (var (what, count) in phase.Failures.OrderByDescending(f => f.Value))
        {
            output.WriteLine($"    {count,8} {what}");
        }
        if (phase.LostReads > 0)
        {
            output.WriteLine($"    {phase.LostReads,8} gets of an acknowledged key found nothing (lost writes)");
        }
        return phase;
    }
}
