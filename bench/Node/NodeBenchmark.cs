using System.Globalization;
using PairDb.Bench.Load;

namespace PairDb.Bench.Node;

/// <summary>
/// <c>pairdb bench node</c>: one storage node (ours, started per durability mode, or <c>--target</c>), driven
/// through StorageService by concurrent async callers over a small channel pool: single writes, reads of the
/// written keys, batched writes, batched reads. Exit code 1 when any item failed.
/// </summary>
public sealed class NodeBenchmark(NodeBenchOptions options, TextWriter output)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var failed = false;
        if (options.Target is { } target)
        {
            failed = !await RunOnAsync(target, options.Admin, [], "unknown", cancellationToken);
            return failed ? 1 : 0;
        }

        foreach (var durability in options.Durabilities)
        {
            output.WriteLine($"starting a storage node (durability {durability})...");
            await using var node = await LocalStorageNode.StartAsync(durability, cancellationToken);
            output.WriteLine($"node pid {node.Pid} grpc {node.GrpcAddress} admin {node.AdminAddress} data {node.Directory}");
            var ok = await RunOnAsync(node.GrpcAddress, node.AdminAddress, [node.Pid], durability.ToString().ToLowerInvariant(), cancellationToken);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"node log {node.LogBytes:N0} bytes; last lines:"));
            output.WriteLine(Indent(node.ReadLogTail(3)));
            failed |= !ok;
        }

        return failed ? 1 : 0;
    }

    /// <summary>Runs warmup and the four phases against one node; false when any item failed.</summary>
    private async Task<bool> RunOnAsync(Uri grpc, Uri? admin, IReadOnlyList<int> serverPids, string durability, CancellationToken cancellationToken)
    {
        using var pool = new ChannelPool(grpc, options.Channels);
        await pool.ConnectAsync(cancellationToken);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var cpu = new CpuMeter(serverPids);
        var limit = options.Duration is { } d ? $"{d.TotalSeconds:0.#} s" : "no time cap";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench node: durability={durability} callers={options.Callers} channels={options.Channels} batch={options.Batch} " +
            $"key={options.KeySize}B value={options.ValueSize}B ops/phase={(options.Ops?.ToString(CultureInfo.InvariantCulture) ?? "-")} " +
            $"duration/phase={limit} rate={(options.Rate is { } r ? r.ToString("F0", CultureInfo.InvariantCulture) + " calls/s" : "closed loop")} cores={Environment.ProcessorCount}"));

        if (options.Warmup > TimeSpan.Zero)
        {
            var warm = new StoragePhases(pool, options, (ulong)options.Seed * 31 + 7);
            await WarmAsync(warm, cpu, cancellationToken);
        }

        var phases = new StoragePhases(pool, options, (ulong)options.Seed);
        var results = new List<PhaseFigures>(4);
        var server = new List<double>(4);
        async Task<PhaseFigures> Measure(LoadPhase phase, bool writes)
        {
            GC.Collect();
            var before = admin is null ? null : await ServerTimes.ScrapeAsync(http, admin, cancellationToken);
            var figures = await LoadDriver.RunAsync(phase, cpu, cancellationToken);
            var after = admin is null ? null : await ServerTimes.ScrapeAsync(http, admin, cancellationToken);
            results.Add(figures);
            server.Add(before is { } b && after is { } a ? a.MeanMsSince(b, writes) : double.NaN);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {phase.Name}: {figures.Calls:N0} calls in {figures.Elapsed.TotalSeconds:F1} s"));
            return figures;
        }

        var writes = await Measure(phases.SingleWrites("single-write", options.Duration, options.Ops), writes: true);
        phases.SingleWritesDone(writes);
        var reads = await Measure(phases.Reads("read", options.Duration, options.Ops), writes: false);
        var batchWrites = await Measure(phases.BatchWrites($"batch-write x{options.Batch}", options.Duration, options.Ops), writes: true);
        phases.BatchWritesDone(batchWrites);
        await Measure(phases.BatchReads($"batch-read x{options.Batch}", options.Duration, options.Ops), writes: false);

        output.WriteLine();
        LoadTable.Write(output, results);
        WhereTimeGoes(results, server);
        NodeVerdict.Write(output, writes, reads, durability);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"batched items/s: write={batchWrites.ItemsPerSecond:F0} ({batchWrites.ItemsPerSecond / Math.Max(1, writes.ItemsPerSecond):F1}x single) " +
            $"read={results[3].ItemsPerSecond:F0} ({results[3].ItemsPerSecond / Math.Max(1, reads.ItemsPerSecond):F1}x single)"));
        output.WriteLine();
        var anyFailed = false;
        foreach (var figures in results)
        {
            anyFailed |= figures.FailedItems > 0;
        }

        return !anyFailed;
    }

    private async Task WarmAsync(StoragePhases warm, CpuMeter cpu, CancellationToken cancellationToken)
    {
        var span = options.Warmup;
        var writes = await LoadDriver.RunAsync(warm.SingleWrites("warmup-write", span, null), cpu, cancellationToken);
        warm.SingleWritesDone(writes);
        await LoadDriver.RunAsync(warm.Reads("warmup-read", span, null), cpu, cancellationToken);
        var batch = await LoadDriver.RunAsync(warm.BatchWrites("warmup-batch-write", span, null), cpu, cancellationToken);
        warm.BatchWritesDone(batch);
        await LoadDriver.RunAsync(warm.BatchReads("warmup-batch-read", span, null), cpu, cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  warmup: {span.TotalSeconds:0.#} s per phase kind, {writes.Calls:N0} single writes"));
    }

    private void WhereTimeGoes(IReadOnlyList<PhaseFigures> results, IReadOnlyList<double> serverMeans)
    {
        output.WriteLine("where time goes (mean ms per call: client-observed vs inside the node's handler; the rest is gRPC/HTTP/2 on both sides and thread-pool queueing):");
        for (var i = 0; i < results.Count; i++)
        {
            var client = results[i].Latency.MeanMs;
            var server = serverMeans[i];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {results[i].Name,-18} client {client,7:F3}  node {(double.IsNaN(server) ? "    n/a" : server.ToString("F3", CultureInfo.InvariantCulture).PadLeft(7))}  " +
                $"outside node {(double.IsNaN(server) ? "n/a" : (client - server).ToString("F3", CultureInfo.InvariantCulture))}  " +
                $"gen0 GCs (client) {results[i].Gen0Collections}"));
        }
    }

    private static string Indent(string text) => "  | " + text.Replace("\n", "\n  | ", StringComparison.Ordinal);

}
