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
        ScratchCluster? cluster = null;
        try
        {
            if (options.Target is null)
            {
                cluster = await ScratchCluster.StartAsync(output);
            }
            var target = options.Target ?? cluster!.Target;
            output.WriteLine($"target {target}: records {options.Records}, ops {options.Operations} per workload, threads {options.Threads}, " +
                $"keys {options.KeySize} B, values {options.ValueSize} B, Zipfian 0.99, {Environment.ProcessorCount} cores");
            using var driver = new KvDriver(target, options);
            // Warm-up: JIT, connection pools and the nodes' caches, untimed.
            await driver.RunWorkloadAsync("warmup", options.Threads, Math.Min(20_000, options.Operations), 0.5);
            Print(await driver.LoadAsync(options.Threads));
            foreach (var workload in options.Workloads)
            {
                var reads = workload switch { 'A' => 0.5, 'B' => 0.95, _ => 1.0 };
                Print(await driver.RunWorkloadAsync($"workload {workload}", options.Threads, options.Operations, reads));
                Print(await driver.RunWorkloadAsync($"workload {workload}", 1, Math.Min(options.Operations, 5_000), reads));
            }
            return 0;
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
        }
    }

    private void Print(PhaseResult phase)
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
