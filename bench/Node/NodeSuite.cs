using PairDb.Bench.Load;

namespace PairDb.Bench.Node;

/// <summary>Entry of <c>pairdb bench node</c>.</summary>
public static class NodeSuite
{
    public static Task<int> RunAsync(string[] args) =>
        SuiteEntry.RunAsync<NodeBenchOptions>(args, NodeBenchOptions.TryParse, NodeBenchOptions.Usage,
            (options, cancellationToken) => new NodeBenchmark(options, Console.Out).RunAsync(cancellationToken));
}
