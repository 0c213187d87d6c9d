namespace PairDb.Engine;

/// <summary>Block cache settings. Every default is stated on its property.</summary>
public sealed class BlockCacheOptions
{
    /// <summary>Bytes of decoded data blocks kept in memory; 0 disables the cache (blocks are read from the mapping). Default 256 MiB.</summary>
    public long CapacityBytes { get; init; } = 256L << 20;

    /// <summary>Independently locked shards (a power of two). Default 16.</summary>
    public int Shards { get; init; } = 16;

    /// <summary>Evictions per second above which <c>Cache eviction rate high</c> is logged (at most every 10 s). Default 1000.</summary>
    public int EvictionRateWarningPerSecond { get; init; } = 1000;

    internal void Validate()
    {
        if (CapacityBytes < 0)
        {
            throw new ArgumentException("Cache.CapacityBytes must not be negative.", nameof(CapacityBytes));
        }

        if (Shards < 1 || Shards > 1024 || (Shards & (Shards - 1)) != 0)
        {
            throw new ArgumentException("Cache.Shards must be a power of two between 1 and 1024.", nameof(Shards));
        }

        if (EvictionRateWarningPerSecond < 1)
        {
            throw new ArgumentException("Cache.EvictionRateWarningPerSecond must be positive.", nameof(EvictionRateWarningPerSecond));
        }
    }
}
