namespace PairDb.Bench.Load;

/// <summary>
/// The entry of a process-starting suite (<c>pairdb bench node|topology</c>): parses the options, runs,
/// and on Ctrl+C lets the run unwind so every process it started is stopped and its directory removed.
/// </summary>
public static class SuiteEntry
{
    public delegate bool OptionsParser<TOptions>(ReadOnlySpan<string> args, out TOptions options, out string error);

    public static async Task<int> RunAsync<TOptions>(
        string[] args, OptionsParser<TOptions> parse, string usage, Func<TOptions, CancellationToken, Task<int>> run)
    {
        if (!parse(args, out var options, out var error))
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(usage);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await run(options, cancel.Token);
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
