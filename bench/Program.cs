using PairDb.Bench.Cluster;
using PairDb.Bench.Engine;
using PairDb.Bench.Node;
using PairDb.Bench.Outage;
using PairDb.Bench.Topology;

// `./pairdb bench <suite>`: benchmarks that print figures, not timed tests.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine(EngineBenchOptions.Usage);
    Console.Error.WriteLine(NodeBenchOptions.Usage);
    Console.Error.WriteLine(ClusterBenchOptions.Usage);
    Console.Error.WriteLine(TopologyBenchOptions.Usage);
    Console.Error.WriteLine(OutageBenchOptions.Usage);
    return args.Length == 0 ? 2 : 0;
}

switch (args[0])
{
    case "engine":
        if (!EngineBenchOptions.TryParse(args.AsSpan(1), out var options, out var error))
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(EngineBenchOptions.Usage);
            return 2;
        }

        return new EngineBenchmark(options, Console.Out).Run();
    case "node":
        return await NodeSuite.RunAsync(args.AsSpan(1).ToArray());
    case "cluster":
        if (!ClusterBenchOptions.TryParse(args.AsSpan(1), out var clusterOptions, out var clusterError))
        {
            Console.Error.WriteLine(clusterError);
            Console.Error.WriteLine(ClusterBenchOptions.Usage);
            return 2;
        }

        return clusterOptions.NoisyTenantRate is null
            ? await new ClusterBenchmark(clusterOptions, Console.Out).RunAsync()
            : await new NoisyTenantBenchmark(clusterOptions, Console.Out).RunAsync();
    case "outage":
        if (!OutageBenchOptions.TryParse(args.AsSpan(1), out var outageOptions, out var outageError))
        {
            Console.Error.WriteLine(outageError);
            Console.Error.WriteLine(OutageBenchOptions.Usage);
            return 2;
        }

        return await new OutageBenchmark(outageOptions, Console.Out).RunAsync();
    case "topology":
        return await TopologySuite.RunAsync(args.AsSpan(1).ToArray());
    default:
        Console.Error.WriteLine($"unknown bench suite '{args[0]}'");
        Console.Error.WriteLine(EngineBenchOptions.Usage);
        return 2;
}
