namespace PairDb.Bench.Engine.Mixed;

/// <summary>An engine under the mixed phase: plain put/get plus the figures only the engine itself knows.</summary>
public interface IMixedStore : IDisposable
{
    string Family { get; }

    void Put(byte[] key, byte[] value);

    bool Get(byte[] key);

    /// <summary>Cumulative block-cache hits and misses.</summary>
    (long Hits, long Misses) CacheCounters();

    /// <summary>Housekeeping a deployment runs on a timer (pairdb: commit-log segment cleanup); called every 100,000 operations.</summary>
    void Maintain()
    {
    }

    /// <summary>Engine-internal detail printed after the phase, or null.</summary>
    string? Describe() => null;
}
