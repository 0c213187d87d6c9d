using PairDb.Bench.Load;

namespace PairDb.Bench.Outage;

/// <summary>What the clients saw in one phase of the outage bench.</summary>
public sealed record OutagePhase(
    string Name,
    TimeSpan Elapsed,
    LatencyHistogram Puts,
    LatencyHistogram Gets,
    IReadOnlyDictionary<string, long> Failures,
    long LostReads)
{
    public long Failed => Failures.Values.Sum();

    public double OpsPerSecond => (Puts.Count + Gets.Count) / Elapsed.TotalSeconds;
}
