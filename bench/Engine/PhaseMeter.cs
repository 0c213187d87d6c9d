using System.Diagnostics;
using PairDb.Bench.Load;

namespace PairDb.Bench.Engine;

/// <summary>Wall time, managed allocations and GC counts across one phase (process-wide, so an engine's own
/// background threads count too; native engines allocate outside the managed heap and show little here).</summary>
public readonly struct PhaseMeter
{
    private readonly long _startTimestamp;
    private readonly long _startAllocated;
    private readonly int _startGen0;
    private readonly int _startGen1;
    private readonly int _startGen2;

    private PhaseMeter(long startTimestamp, long startAllocated, int gen0, int gen1, int gen2)
    {
        _startTimestamp = startTimestamp;
        _startAllocated = startAllocated;
        _startGen0 = gen0;
        _startGen1 = gen1;
        _startGen2 = gen2;
    }

    /// <summary>Collects first so the previous phase's (or engine's) garbage is not charged to this one.</summary>
    public static PhaseMeter Start()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        return new PhaseMeter(Stopwatch.GetTimestamp(), allocated, GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
    }

    public PhaseResult Stop(PhaseResult result, long operations, LatencyHistogram latency)
    {
        var elapsed = Stopwatch.GetElapsedTime(_startTimestamp);
        return result with
        {
            Operations = operations,
            Elapsed = elapsed,
            P50Micros = latency.PercentileMicros(50),
            P99Micros = latency.PercentileMicros(99),
            P999Micros = latency.PercentileMicros(99.9),
            MaxMicros = latency.MaxMicros,
            AllocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - _startAllocated,
            Gen0 = GC.CollectionCount(0) - _startGen0,
            Gen1 = GC.CollectionCount(1) - _startGen1,
            Gen2 = GC.CollectionCount(2) - _startGen2,
        };
    }
}
