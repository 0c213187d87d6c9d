namespace PairDb.Bench.Node;

/// <summary>Entry of <c>pairdb bench node</c>: parses the options, runs, and stops cleanly on Ctrl+C.</summary>
public static class NodeSuite
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (!NodeBenchOptions.TryParse(args, out var options, out var error))
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(NodeBenchOptions.Usage);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // Let the run unwind so the node we started is stopped and its directory removed.
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await new NodeBenchmark(options, Console.Out).RunAsync(cancel.Token);
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
