namespace PairDb.Engine;

public sealed partial class LsmEngine
{
    private EngineWorkerPools _pools = null!;
    private BlockCache? _blockCache;

    /// <summary>flush_pool, compaction_pool and streaming_pool with their live figures.</summary>
    public EngineWorkerPools Pools => _pools;

    /// <summary>The data block cache; null when <see cref="BlockCacheOptions.CapacityBytes"/> is 0.</summary>
    public BlockCache? Cache => _blockCache;

    private void CreateResources()
    {
        _pools = new EngineWorkerPools(_options.Pools, _logger);
        var cache = _options.Cache;
        _blockCache = cache.CapacityBytes > 0 ? new BlockCache(cache.CapacityBytes, cache.Shards, cache.EvictionRateWarningPerSecond, _logger) : null;
        InitializeCompaction();
        Integrity = new IntegrityChecker(this);
    }
}
