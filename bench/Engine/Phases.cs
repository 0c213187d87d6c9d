using System.Diagnostics;
using PairDb.Bench.Load;

namespace PairDb.Bench.Engine;

/// <summary>The timed phases. Each records one latency sample per operation with <see cref="Stopwatch.GetTimestamp"/>.</summary>
public static class Phases
{
    public const string Put = "put";
    public const string Get = "get";
    public const string Scan = "scan";
    public const string SyncPut = "sync-put";

    public static PhaseResult RunPuts(IBenchStore store, Workload workload, PhaseResult result)
    {
        var latency = new LatencyHistogram();
        var keys = workload.Keys;
        var values = workload.Values;
        var meter = PhaseMeter.Start();
        for (var i = 0; i < keys.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            store.Put(keys[i], values[i]);
            latency.Record(Stopwatch.GetTimestamp() - start);
        }

        return meter.Stop(result, keys.Length, latency);
    }

    public static PhaseResult RunGets(IBenchStore store, Workload workload, PhaseResult result)
    {
        var latency = new LatencyHistogram();
        var keys = workload.Keys;
        var order = workload.GetOrder;
        var missing = 0;
        var meter = PhaseMeter.Start();
        for (var i = 0; i < order.Length; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var found = store.Get(keys[order[i]]);
            latency.Record(Stopwatch.GetTimestamp() - start);
            if (!found)
            {
                missing++;
            }
        }

        result = meter.Stop(result, order.Length, latency);
        return missing == 0 ? result : result with { Error = $"{missing} of {order.Length} keys not found" };
    }

    public static PhaseResult RunScan(IBenchStore store, int count, PhaseResult result)
    {
        var latency = new LatencyHistogram();
        var meter = PhaseMeter.Start();
        var last = Stopwatch.GetTimestamp();
        var read = store.Scan(count, () =>
        {
            var now = Stopwatch.GetTimestamp();
            latency.Record(now - last);
            last = now;
        });
        result = meter.Stop(result, read, latency);
        return read == count ? result : result with { Error = $"scan returned {read} entries, expected {count}" };
    }

    /// <summary>Dedicated threads (not the pool, which would ramp up slowly) share one key cursor; each put returns
    /// only once durable, so ops/s is acknowledged puts per second.</summary>
    public static PhaseResult RunConcurrentSyncPuts(IBenchStore store, Workload workload, int keyCount, int writers,
        TimeSpan timeLimit, PhaseResult result)
    {
        var keys = workload.Keys;
        var values = workload.Values;
        var recorders = new LatencyHistogram[writers];
        var cursor = -1;
        var acknowledged = 0L;
        Exception? failure = null;
        using var startGate = new ManualResetEventSlim();
        var deadline = 0L;
        var threads = new Thread[writers];
        for (var w = 0; w < writers; w++)
        {
            var latency = recorders[w] = new LatencyHistogram();
            threads[w] = new Thread(() =>
            {
                startGate.Wait();
                try
                {
                    int i;
                    while ((i = Interlocked.Increment(ref cursor)) < keyCount && Volatile.Read(ref failure) is null)
                    {
                        var start = Stopwatch.GetTimestamp();
                        if (start > Volatile.Read(ref deadline))
                        {
                            return;
                        }

                        store.Put(keys[i], values[i]);
                        latency.Record(Stopwatch.GetTimestamp() - start);
                        Interlocked.Increment(ref acknowledged);
                    }
                }
                catch (Exception ex)
                {
                    Interlocked.CompareExchange(ref failure, ex, null);
                }
            })
            { IsBackground = true, Name = $"bench-writer-{w}" };
            threads[w].Start();
        }

        var meter = PhaseMeter.Start();
        Volatile.Write(ref deadline, Stopwatch.GetTimestamp() + (long)(timeLimit.TotalSeconds * Stopwatch.Frequency));
        startGate.Set();
        foreach (var thread in threads)
        {
            thread.Join();
        }

        var merged = new LatencyHistogram();
        foreach (var recorder in recorders)
        {
            merged.Add(recorder);
        }

        result = meter.Stop(result, acknowledged, merged);
        if (failure is not null)
        {
            return result with { Error = $"{failure.GetType().Name}: {failure.Message}" };
        }

        return acknowledged < keyCount
            ? result with { Note = $"stopped at {timeLimit.TotalSeconds:0}s after {acknowledged} of {keyCount}" }
            : result;
    }
}
