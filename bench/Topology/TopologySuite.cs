namespace PairDb.Bench.Topology;

/// <summary>Entry of <c>pairdb bench topology</c>: parses the options, runs, and stops cleanly on Ctrl+C.</summary>
public static class TopologySuite
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (!TopologyBenchOptions.TryParse(args, out var options, out var error))
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(TopologyBenchOptions.Usage);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // Let the run unwind so every process we started is stopped and its directory removed.
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await new TopologyBenchmark(options, Console.Out).RunAsync(cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
