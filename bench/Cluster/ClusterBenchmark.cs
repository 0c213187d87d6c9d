using System.Globalization;
using PairDb.Bench.Load;

namespace PairDb.Bench.Cluster;

/// <summary>
/// <c>pairdb bench cluster</c>: loads the records, then runs YCSB workloads A (50% reads / 50%
/// updates), B (95/5) and C (reads only) through the coordinator, and prints ops/s and
/// p50/p99/p99.9 per operation type. Each workload also runs once with a single client thread for
/// the unloaded latency.
/// </summary>
public sealed class ClusterBenchmark(ClusterBenchOptions options, TextWriter output)
{
    public async Task<int> RunAsync()
    {
        var runs = new List<(string Mode, List<PhaseResult> Phases)>();
        foreach (var secure in options.SecureRuns)
        {
            runs.Add((secure ? "secure" : "insecure", await RunOnceAsync(secure)));
        }
        if (runs.Count == 2)
        {
            Compare(runs[0].Phases, runs[1].Phases);
        }
        return 0;
    }

    /// <summary>Every phase on one cluster: the scratch one (secure or not), or --target.</summary>
    private async Task<List<PhaseResult>> RunOnceAsync(bool secure)
    {
        var phases = new List<PhaseResult>();
        ScratchCluster? cluster = null;
        try
        {
            if (options.Target is null)
            {
                cluster = await ScratchCluster.StartAsync(output, secure);
            }
            var endpoint = cluster?.Endpoint ?? ChannelPool.ParseTarget(options.Target!);
            output.WriteLine($"target {endpoint} ({(secure ? "TLS, tenant API key" : "plaintext, no authentication")}): records {options.Records}, " +
                $"ops {options.Operations} per workload, threads {options.Threads}, " +
                $"keys {options.KeySize} B, values {options.ValueSize} B, Zipfian 0.99, {Environment.ProcessorCount} cores");
            using var driver = new KvDriver(endpoint, options, cluster?.Access.Ca, cluster?.TenantKey);
            // Warm-up: JIT, connection pools and the nodes' caches, untimed.
            await driver.RunWorkloadAsync("warmup", options.Threads, Math.Min(20_000, options.Operations), 0.5);
            phases.Add(Print(await driver.LoadAsync(options.Threads)));
            foreach (var workload in options.Workloads)
            {
                var reads = workload switch { 'A' => 0.5, 'B' => 0.95, _ => 1.0 };
                phases.Add(Print(await driver.RunWorkloadAsync($"workload {workload}", options.Threads, options.Operations, reads)));
                phases.Add(Print(await driver.RunWorkloadAsync($"workload {workload}", 1, Math.Min(options.Operations, 5_000), reads)));
            }
            return phases;
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
        }
    }

    /// <summary>The cost of TLS and authentication: secure / insecure for throughput and latency of each phase.</summary>
    private void Compare(List<PhaseResult> insecure, List<PhaseResult> secure)
    {
        output.WriteLine();
        output.WriteLine("secure / insecure (throughput below 1 and latency above 1 are the cost of TLS and authentication):");
        for (var i = 0; i < Math.Min(insecure.Count, secure.Count); i++)
        {
            var (plain, tls) = (insecure[i], secure[i]);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{plain.Name,-11} threads {plain.Threads,3}  ops/s {Ratio(OpsPerSecond(tls), OpsPerSecond(plain)),5:0.00}x" +
                $"  p50 {Ratio(Ms(All(tls), 50), Ms(All(plain), 50)),5:0.00}x  p99 {Ratio(Ms(All(tls), 99), Ms(All(plain), 99)),5:0.00}x"));
        }
    }

    private static double OpsPerSecond(PhaseResult phase) => (phase.Stats.Reads.Count + phase.Stats.Updates.Count) / phase.Elapsed.TotalSeconds;

    /// <summary>Reads and updates of a phase together.</summary>
    private static LatencyHistogram All(PhaseResult phase)
    {
        var all = new LatencyHistogram();
        all.Add(phase.Stats.Reads);
        all.Add(phase.Stats.Updates);
        return all;
    }

    private static double Ratio(double value, double baseline) => baseline > 0 ? value / baseline : double.NaN;

    private PhaseResult Print(PhaseResult phase)
    {
        var seconds = phase.Elapsed.TotalSeconds;
        var stats = phase.Stats;
        var done = stats.Reads.Count + stats.Updates.Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{phase.Name,-11} threads {phase.Threads,3}  {done,8:N0} ops in {seconds,6:0.00} s  {done / seconds,9:N0} ops/s"));
        Line("read", stats.Reads, stats.ReadErrors, seconds);
        Line(phase.Name == "load" ? "insert" : "update", stats.Updates, stats.UpdateErrors, seconds);
        if (stats.NotFound > 0)
        {
            output.WriteLine($"    {stats.NotFound} reads found no value");
        }
        if (stats.FirstError is not null)
        {
            output.WriteLine($"    first error: {stats.FirstError}");
        }
        return phase;
    }

    private void Line(string op, LatencyHistogram latency, long errors, double seconds)
    {
        if (latency.Count == 0 && errors == 0)
        {
            return;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    {op,-6} {latency.Count,8:N0} ops {latency.Count / seconds,9:N0} ops/s  p50 {Ms(latency, 50),7:0.000} ms  p99 {Ms(latency, 99),7:0.000} ms  p99.9 {Ms(latency, 99.9),7:0.000} ms  errors {errors}"));
    }

    private static double Ms(LatencyHistogram latency, double percentile) => latency.PercentileMicros(percentile) / 1000;
}
