using System.Diagnostics;
using PairDb.Chaos.Faults;

namespace PairDb.Chaos.Run;

/// <summary>Prints a progress line every few seconds: operations, their rate, errors, and the faults in force.</summary>
internal sealed class ProgressLine(TextWriter log, Stopwatch clock, Nemesis nemesis)
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
    private TimeSpan _last;
    private long _lastOperations;

    public void Report(WorkloadTick tick)
    {
        var now = clock.Elapsed;
        if (now - _last < Every)
        {
            return;
        }
        var rate = (tick.Operations - _lastOperations) / (now - _last).TotalSeconds;
        _last = now;
        _lastOperations = tick.Operations;
        var active = nemesis.Active;
        log.WriteLine($"[{now.TotalSeconds,6:0.0}s] ops {tick.Operations} ({rate:0}/s) ok {tick.Ok} fail {tick.Failed} unknown {tick.Unknown} | faults: {(active.Count == 0 ? "none" : string.Join("; ", active))}");
    }
}
