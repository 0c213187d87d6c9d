using PairDb.Bench.Load;

namespace PairDb.Bench.Topology;

/// <summary>Entry of <c>pairdb bench topology</c>.</summary>
public static class TopologySuite
{
    public static Task<int> RunAsync(string[] args) =>
        SuiteEntry.RunAsync<TopologyBenchOptions>(args, TopologyBenchOptions.TryParse, TopologyBenchOptions.Usage,
            (options, cancellationToken) => new TopologyBenchmark(options, Console.Out).RunAsync(cancellationToken));
}
