using System.Diagnostics;
using Grpc.Net.Client;
using PairDb.Bench.Load;
using PairDb.Bench.Node;
using PairDb.Contracts.Grpc;

namespace PairDb.Bench.Topology;

/// <summary>One timed pull run: its streams, the wall time, and what the two node processes used.</summary>
public sealed record PullRun(
    string Name,
    IReadOnlyList<StreamFigures> Streams,
    TimeSpan Wall,
    double MetricBytes,
    double GaugePeakMbps,
    double GaugeMeanMbps,
    double SourceCores,
    double TargetCores,
    double OtherCores)
{
    public ulong Keys => Sum(s => s.Keys);

    public ulong Bytes => Sum(s => s.Bytes);

    public bool AllDone
    {
        get
        {
            foreach (var stream in Streams)
            {
                if (!stream.Done)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Mean over the streams of each stream's own MB/s.</summary>
    public double MegabytesPerSecondPerStream
    {
        get
        {
            var sum = 0.0;
            foreach (var stream in Streams)
            {
                sum += stream.MegabytesPerSecond;
            }

            return sum / Streams.Count;
        }
    }

    public double TotalMegabytesPerSecond => Bytes / 1e6 / Wall.TotalSeconds;

    public double KeysPerSecond => Keys / Wall.TotalSeconds;

    /// <summary>Receiving side's CPU milliseconds per MB moved: steadier than MB/s when other tenants take the cores.</summary>
    public double TargetCpuMsPerMegabyte => TargetCores * Wall.TotalMilliseconds / (Bytes / 1e6);

    private ulong Sum(Func<StreamFigures, ulong> take)
    {
        ulong sum = 0;
        foreach (var stream in Streams)
        {
            sum += take(stream);
        }

        return sum;
    }
}

/// <summary>What the streaming part measured.</summary>
public sealed record StreamingResult(PhaseFigures Load, TimeSpan Settle, IReadOnlyList<PullRun> Runs);

/// <summary>
/// Two real storage nodes on loopback: the source is loaded directly with BatchCoordinatedWrite, then the
/// target pulls the whole ring with FetchRanges, once as one stream and once as two concurrent streams over
/// the two halves of the ring (after ClearAll on the target, so both runs copy into an empty node).
/// </summary>
public sealed class StreamingBench(TopologyBenchOptions options, TextWriter output)
{
    private const string ThroughputGauge = "streaming_throughput_mbps";
    private const string BytesCounter = "streaming_bytes_transferred";
    /// <summary>Name of the run that only drains StreamRange (no target); the targets are judged on the FetchRanges runs.</summary>
    public const string SourceOnly = "source";

    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(90);

    public async Task<StreamingResult> RunAsync(CancellationToken cancellationToken)
    {
        var data = new DataSet(options);
        output.WriteLine($"streaming: starting two storage nodes (durability {options.Durability}) under {options.DataDirectory}");
        await using var source = await LocalStorageNode.StartAsync("bench-source", options.DataDirectory, options.Durability, cancellationToken);
        await using var target = await LocalStorageNode.StartAsync("bench-target", options.DataDirectory, options.Durability, cancellationToken);
        output.WriteLine($"  source pid {source.Pid} {source.GrpcAddress}, target pid {target.Pid} {target.GrpcAddress}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        var load = await LoadSourceAsync(source, data, cancellationToken);
        output.WriteLine("  " + LoadLine(load, data));
        var settle = await MetricsScrape.WaitForNoCompactionAsync(http, [source.AdminAddress], SettleLimit, cancellationToken);
        output.WriteLine($"  compaction settled on the source in {settle.TotalSeconds:F1} s");

        using var channel = GrpcChannel.ForAddress(target.GrpcAddress);
        var client = new StorageService.StorageServiceClient(channel);
        var runs = new List<PullRun>(3);
        var drain = await DrainAsync(source, cancellationToken);
        runs.Add(drain);
        output.WriteLine($"  {drain.Name}: {drain.Keys:N0} keys, {drain.Bytes / 1e6:F1} MB in {drain.Wall.TotalSeconds:F2} s (StreamRange read by the bench, nothing applied)");
        await WarmTargetAsync(client, source, cancellationToken);
        foreach (var streams in (int[])[1, 2])
        {
            var cleared = await client.ClearAllAsync(new ClearAllRequest(), cancellationToken: cancellationToken);
            output.WriteLine($"  target cleared ({cleared.KeysDropped:N0} keys dropped)");

            var run = await PullAsync(client, source, target, http, streams, cancellationToken);
            runs.Add(run);
            output.WriteLine($"  {run.Name}: {run.Keys:N0} keys, {run.Bytes / 1e6:F1} MB in {run.Wall.TotalSeconds:F2} s");
        }

        return new StreamingResult(load, settle, runs);
    }

    private async Task<PhaseFigures> LoadSourceAsync(LocalStorageNode source, DataSet data, CancellationToken cancellationToken)
    {
        output.WriteLine($"  loading the source: {data.Count:N0} keys x {data.ValueSize} B ({options.DataGib:F2} GiB of values), batches of {data.Batch}");
        using var pool = new ChannelPool(source.GrpcAddress, 2);
        await pool.ConnectAsync(cancellationToken);
        var clients = pool.Clients(c => new StorageService.StorageServiceClient(c));
        var errors = new FirstError();
        var phase = new LoadPhase
        {
            Name = "load source",
            Kind = "write",
            Callers = 8,
            ItemsPerCall = data.Batch,
            MaxCalls = data.LoadCalls,
            Errors = errors,
            Call = async (caller, call, ct) =>
            {
                var (first, count) = data.CallRange(call);
                var request = new BatchCoordinatedWriteRequest();
                for (var i = 0; i < count; i++)
                {
                    request.Items.Add(new CoordinatedWriteRequest { TenantId = DataSet.Tenant, Key = data.Key(first + i), Value = data.Value(first + i) });
                }

                var reply = await clients[caller % clients.Length].BatchCoordinatedWriteAsync(request, cancellationToken: ct);
                var failed = 0;
                foreach (var result in reply.Results)
                {
                    if (result.ResultCase != CoordinatedWriteResult.ResultOneofCase.Ok)
                    {
                        errors.Note($"BatchCoordinatedWrite item: {result.Error}");
                        failed++;
                    }
                }

                return failed + (count - reply.Results.Count);
            },
        };
        var figures = await LoadDriver.RunAsync(phase, new CpuMeter([source.Pid]), cancellationToken);
        if (figures.FailedItems > 0)
        {
            throw new InvalidOperationException($"loading the source failed: {figures.FailedItems} items; first: {figures.FirstError}");
        }

        return figures;
    }

    /// <summary>
    /// An untimed pull of a sixteenth of the ring, so the timed runs measure the target's steady state rather than
    /// its first JIT tier (as every other suite warms up before it measures).
    /// </summary>
    private async Task WarmTargetAsync(StorageService.StorageServiceClient client, LocalStorageNode source, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var warm = await StreamPull.RunAsync(client, source.GrpcAddress, StreamPull.SplitRing(16)[0], "bench-warmup", cancellationToken);
        output.WriteLine($"  warm-up pull: {warm.Keys:N0} keys (1/16 of the ring) in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s, untimed");
    }

    private static async Task<PullRun> DrainAsync(LocalStorageNode source, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(source.GrpcAddress);
        var client = new StorageService.StorageServiceClient(channel);
        var cpu = new CpuMeter([source.Pid]);
        var start = cpu.Take();
        var started = Stopwatch.GetTimestamp();
        var figures = await StreamPull.DrainSourceAsync(client, StreamPull.SplitRing(1)[0], cancellationToken);
        var wall = Stopwatch.GetElapsedTime(started);
        var usage = cpu.Since(start);
        // The bench is the receiver here: its CPU goes in the target column.
        return new PullRun(SourceOnly, [figures], wall, double.NaN, double.NaN, double.NaN, usage.Servers, usage.Client, usage.Other);
    }

    private static async Task<PullRun> PullAsync(
        StorageService.StorageServiceClient client, LocalStorageNode source, LocalStorageNode target, HttpClient http, int streams, CancellationToken cancellationToken)
    {
        var ranges = StreamPull.SplitRing(streams);
        var sourceCpu = new CpuMeter([source.Pid]);
        var targetCpu = new CpuMeter([target.Pid]);
        var bytesBefore = await MetricsScrape.SumAsync(http, target.AdminAddress, BytesCounter, cancellationToken) ?? 0;
        var sourceStart = sourceCpu.Take();
        var targetStart = targetCpu.Take();
        var started = Stopwatch.GetTimestamp();
        var gauge = GaugeSampler.Start(http, target.AdminAddress, ThroughputGauge);
        StreamFigures[] figures;
        try
        {
            var pulls = new Task<StreamFigures>[streams];
            for (var i = 0; i < streams; i++)
            {
                pulls[i] = StreamPull.RunAsync(client, source.GrpcAddress, ranges[i], $"bench-{streams}x-{i}", cancellationToken);
            }

            figures = await Task.WhenAll(pulls);
        }
        finally
        {
            await gauge.DisposeAsync();
        }

        var wall = Stopwatch.GetElapsedTime(started);
        var sourceUsage = sourceCpu.Since(sourceStart);
        var targetUsage = targetCpu.Since(targetStart);
        var bytesAfter = await MetricsScrape.SumAsync(http, target.AdminAddress, BytesCounter, cancellationToken) ?? double.NaN;
        return new PullRun(streams == 1 ? "1 stream" : $"{streams} streams", figures, wall, bytesAfter - bytesBefore, gauge.Peak, gauge.Mean,
            sourceUsage.Servers, targetUsage.Servers, Math.Max(0, targetUsage.Other - sourceUsage.Servers));
    }

    private static string LoadLine(PhaseFigures load, DataSet data)
    {
        var keysPerSecond = data.Count / load.Elapsed.TotalSeconds;
        return $"loaded {data.Count:N0} keys in {load.Elapsed.TotalSeconds:F1} s ({keysPerSecond:N0} keys/s, " +
            $"{keysPerSecond * data.ValueSize / 1e6:F1} MB/s of values, p99 {load.Latency.PercentileMs(99):F1} ms per batch)";
    }
}
