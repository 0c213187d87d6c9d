namespace PairDb.Engine;

/// <summary>Block cache figures for <c>/health</c>'s <c>cache_status</c> and <c>cache/stats</c> (runbook 6.1, 6.4).</summary>
public sealed record BlockCacheStatistics
{
    public long CapacityBytes { get; init; }

    /// <summary><c>size_bytes</c>: bytes held (blocks plus bookkeeping).</summary>
    public long SizeBytes { get; init; }

    public long Entries { get; init; }

    /// <summary><c>cache_hits_total</c>.</summary>
    public long Hits { get; init; }

    public long Misses { get; init; }

    /// <summary><c>cache_requests_total</c>.</summary>
    public long Requests => Hits + Misses;

    /// <summary><c>hit_rate</c>, 0-1.</summary>
    public double HitRate => Requests == 0 ? 0 : Hits / (double)Requests;

    public long Evictions { get; init; }

    /// <summary>Blocks the frequency filter kept out of the main area (scan resistance at work).</summary>
    public long AdmissionRejections { get; init; }

    /// <summary><c>utilization_percent</c>: size over capacity, 0-100.</summary>
    public double UtilizationPercent => CapacityBytes == 0 ? 0 : Math.Min(100.0, 100.0 * SizeBytes / CapacityBytes);

    /// <summary>Share of the capacity given to the recency window (the adaptive weight), 0-100.</summary>
    public double WindowPercent { get; init; }
}
