using System.Globalization;

namespace PairDb.Bench.Topology;

/// <summary>
/// <c>pairdb bench topology</c>: streaming throughput between two storage nodes, then the bootstrap of a
/// fourth node into a loaded three-node cluster under a paced client load. Exit code 1 when a part failed
/// (an exception, keys missing after a pull, a failed client item, a bootstrap that did not complete).
/// </summary>
public sealed class TopologyBenchmark(TopologyBenchOptions options, TextWriter output)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench topology: keys={options.Keys:N0} value={options.ValueSize} B data={options.DataGib:F2} GiB of values " +
            $"rate={options.Rate:F0} ops/s before-window={options.Duration.TotalSeconds:F0} s data-dir={options.DataDirectory} cores={Environment.ProcessorCount}" +
            $"{(options.CoordinatorArguments.Count > 0 ? " coordinator " + string.Join(' ', options.CoordinatorArguments) : "")}" +
            $"{(options.SkipStreaming ? " (streaming skipped)" : "")}{(options.SkipCluster ? " (cluster skipped)" : "")}"));
        var ok = true;
        StreamingResult? streaming = null;
        BootstrapResult? bootstrap = null;
        if (!options.SkipStreaming)
        {
            streaming = await RunPartAsync("streaming", () => new StreamingBench(options, output).RunAsync(cancellationToken), cancellationToken);
            ok &= streaming is not null;
        }

        if (!options.SkipCluster)
        {
            output.WriteLine("cluster:");
            bootstrap = await RunPartAsync("cluster", () => new BootstrapBench(options, output).RunAsync(cancellationToken), cancellationToken);
            ok &= bootstrap is not null;
        }

        if (streaming is not null)
        {
            ok &= TopologyReport.WriteStreaming(output, streaming, options);
        }

        if (bootstrap is not null)
        {
            ok &= TopologyReport.WriteBootstrap(output, bootstrap, options);
        }

        return ok ? 0 : 1;
    }

    /// <summary>Runs one part; a failure is reported and the other part still runs.</summary>
    private async Task<T?> RunPartAsync<T>(string name, Func<Task<T>> part, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await part();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            output.WriteLine($"{name} part FAILED: {e.GetType().Name}: {e.Message}");
            return null;
        }
    }
}
