using System.Runtime;
using System.Runtime.InteropServices;

namespace PairDb.Bench.Engine;

/// <summary>Runs the engine workload on every selected engine, each in a fresh temporary directory, and prints the
/// figures. A failing engine is reported and skipped; the others still run.</summary>
public sealed class EngineBenchmark(EngineBenchOptions options, TextWriter output)
{
    private readonly Report _report = new(output);

    public int Run()
    {
        if (!EngineCatalog.TryResolve(options.Engines, out var engines, out var error))
        {
            Console.Error.WriteLine(error);
            return 2;
        }

        output.WriteLine(
            $"pairdb bench engine: keys={options.Keys} key-size={options.KeySize} value-size={options.ValueSize} " +
            $"scan={options.ScanCount} warmup={options.WarmupKeys} sync-keys={options.SyncKeys} writers={options.Writers} seed={options.Seed}");
        output.WriteLine(
            $"host: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, " +
            $"server GC={GCSettings.IsServerGC}");
        var workload = Workload.Generate(options.Keys, options.KeySize, options.ValueSize, options.Seed);
        var warmup = Workload.Generate(options.WarmupKeys, options.KeySize, options.ValueSize, ~options.Seed);

        var results = new List<PhaseResult>();
        if (options.Phases.Contains("basic"))
        {
            _report.WriteHeader();
            foreach (var engine in engines)
            {
                WarmUp(engine, warmup);
                RunBuffered(engine, workload, results);
                RunSync(engine, workload, results);
            }

            output.WriteLine();
            output.WriteLine("summary");
            _report.WriteHeader();
            foreach (var result in results)
            {
                _report.WriteRow(result);
            }

            _report.WriteRatios(results);
        }

        var mixedOk = !options.Phases.Contains("mixed") || Mixed.MixedBenchmark.Run(options, output);
        return results.Exists(r => r.Error is not null) || !mixedOk ? 1 : 0;
    }

    /// <summary>Same phases on a small throwaway data set; failures here surface again in the timed phases.</summary>
    private static void WarmUp(IBenchEngine engine, Workload warmup)
    {
        using var directory = new TempDirectory(engine.Name + "-warmup");
        try
        {
            using var store = engine.Open(directory.Path, StoreDurability.Buffered);
            var ignored = new PhaseResult(engine.Name, engine.Family, "warmup");
            Phases.RunPuts(store, warmup, ignored);
            Phases.RunGets(store, warmup, ignored);
            Phases.RunScan(store, warmup.Count, ignored);
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"{engine.Name}: warm-up failed: {ex.Message}");
        }
    }

    private void RunBuffered(IBenchEngine engine, Workload workload, List<PhaseResult> results)
    {
        var put = new PhaseResult(engine.Name, engine.Family, Phases.Put);
        var get = new PhaseResult(engine.Name, engine.Family, Phases.Get);
        var scan = new PhaseResult(engine.Name, engine.Family, Phases.Scan);
        using var directory = new TempDirectory(engine.Name);
        IBenchStore? store = null;
        var pending = new Queue<PhaseResult>([put, get, scan]);
        try
        {
            store = engine.Open(directory.Path, StoreDurability.Buffered);
            Record(results, Phases.RunPuts(store, workload, pending.Dequeue()));
            Describe(store, engine, Phases.Put);
            Record(results, Phases.RunGets(store, workload, pending.Dequeue()));
            Record(results, Phases.RunScan(store, options.ScanCount, pending.Dequeue()));
            store.Dispose();
            store = null;
        }
        catch (Exception ex)
        {
            var message = $"{ex.GetType().Name}: {ex.Message}";
            Console.Error.WriteLine($"{engine.Name}: {ex}");
            while (pending.Count > 0)
            {
                Record(results, pending.Dequeue() with { Error = message });
            }

            TryDispose(store, engine);
        }
    }

    private void RunSync(IBenchEngine engine, Workload workload, List<PhaseResult> results)
    {
        var syncPut = new PhaseResult(engine.Name, engine.Family, Phases.SyncPut);
        using var directory = new TempDirectory(engine.Name + "-sync");
        IBenchStore? store = null;
        try
        {
            store = engine.Open(directory.Path, StoreDurability.Sync);
            Record(results, Phases.RunConcurrentSyncPuts(store, workload, options.SyncKeys, options.Writers,
                options.SyncTimeLimit, syncPut));
            Describe(store, engine, Phases.SyncPut);
            store.Dispose();
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"{engine.Name}: {ex}");
            Record(results, syncPut with { Error = $"{ex.GetType().Name}: {ex.Message}" });
            TryDispose(store, engine);
        }
    }

    private void Record(List<PhaseResult> results, PhaseResult result)
    {
        results.Add(result);
        _report.WriteRow(result);
    }

    private void Describe(IBenchStore store, IBenchEngine engine, string phase)
    {
        if (store.Describe() is { } description)
        {
            output.WriteLine($"  {engine.Name} after {phase}: {description}");
        }
    }

    private static void TryDispose(IBenchStore? store, IBenchEngine engine)
    {
        try
        {
            store?.Dispose();
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"{engine.Name}: dispose after failure also failed: {ex.Message}");
        }
    }
}
