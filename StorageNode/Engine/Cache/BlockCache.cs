using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PairDb.Engine.Cache;
using PairDb.Engine.Diagnostics;

namespace PairDb.Engine;

/// <summary>
/// Size-bounded, sharded cache of verified SSTable data blocks with a W-TinyLFU policy (see
/// <see cref="BlockCacheShard"/>). The split between the recency window and the frequency-guarded main area is
/// tuned at run time by hill climbing on the hit rate: recency-heavy workloads grow the window, frequency-heavy ones
/// shrink it; each move logs <c>Adjusted cache weights ...</c>. Thread-safe.
/// </summary>
public sealed partial class BlockCache
{
    /// <summary>Bookkeeping bytes charged per block on top of its data (node, dictionary slot, array header).</summary>
    internal const int EntryOverhead = 96;
    private const double InitialWindow = 0.01;
    private const double MinWindow = 0.01;
    private const double MaxWindow = 0.80;
    private const double InitialStep = 0.0625;
    private const int AssumedBlockBytes = 4096;

    private readonly BlockCacheShard[] _shards;
    private readonly int _shardMask;
    private readonly ILogger _logger;
    private readonly int _evictionWarningPerSecond;
    private readonly object _tuneLock = new();
    private long _capacity;
    private double _window = InitialWindow;
    private double _loggedWindow = InitialWindow;
    private double _step = InitialStep;
    private double _previousHitRate = -1;
    private long _requestsSinceTune;
    private long _hitsAtTune;
    private long _requestsAtTune;
    private long _evictionsAtCheck;
    private long _checkTimestamp = Stopwatch.GetTimestamp();
    private long _lastWarningTimestamp;

    public BlockCache(long capacityBytes, int shards, int evictionWarningPerSecond, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacityBytes);
        _capacity = capacityBytes;
        _logger = logger;
        _evictionWarningPerSecond = evictionWarningPerSecond;
        _shards = new BlockCacheShard[shards];
        _shardMask = shards - 1;
        var perShard = capacityBytes / shards;
        for (var i = 0; i < shards; i++)
        {
            _shards[i] = new BlockCacheShard(perShard, InitialWindow, Math.Max(64, perShard / AssumedBlockBytes));
        }
    }

    public long CapacityBytes => Volatile.Read(ref _capacity);

    /// <summary>Requests between two hill-climbing steps: ten times the blocks the cache holds.</summary>
    private long SamplePeriod => Math.Max(1000, 10 * (CapacityBytes / AssumedBlockBytes));

    internal bool TryGet(long fileId, int block, out byte[] data)
    {
        var key = new BlockKey(fileId, block);
        var hash = key.Hash;
        var hit = Shard(hash).TryGet(key, hash, out data);
        if (Interlocked.Increment(ref _requestsSinceTune) >= SamplePeriod)
        {
            Tune();
        }

        return hit;
    }

    internal void Insert(long fileId, int block, byte[] data)
    {
        var key = new BlockKey(fileId, block);
        var hash = key.Hash;
        if (Shard(hash).Insert(key, hash, data, data.Length + EntryOverhead) > 0)
        {
            CheckEvictionRate();
        }
    }

    /// <summary>Drops every block of a table that left the live set.</summary>
    internal void RemoveFile(long fileId, int blockCount)
    {
        for (var block = 0; block < blockCount; block++)
        {
            var key = new BlockKey(fileId, block);
            Shard(key.Hash).Remove(key);
        }
    }

    /// <summary>Shrinks the cache to <paramref name="targetBytes"/> now (the runbook's <c>cache/reduce</c>); returns the bytes freed.</summary>
    public long Reduce(long targetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(targetBytes);
        var freed = Resize(Math.Min(targetBytes, CapacityBytes));
        EngineLog.CacheReduced(_logger, Sizes.Bytes(targetBytes), Sizes.Bytes(freed));
        return freed;
    }

    /// <summary>Sets the capacity (grow or shrink); returns the bytes freed.</summary>
    public long Resize(long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacityBytes);
        lock (_tuneLock)
        {
            Volatile.Write(ref _capacity, capacityBytes);
            long freed = 0;
            foreach (var shard in _shards)
            {
                freed += shard.Configure(capacityBytes / _shards.Length, _window);
            }

            return freed;
        }
    }

    public BlockCacheStatistics GetStatistics()
    {
        long hits = 0, misses = 0, evictions = 0, rejections = 0, bytes = 0, entries = 0;
        foreach (var shard in _shards)
        {
            var s = shard.GetCounters();
            hits += s.Hits;
            misses += s.Misses;
            evictions += s.Evictions;
            rejections += s.Rejections;
            bytes += s.Bytes;
            entries += s.Entries;
        }

        return new BlockCacheStatistics
        {
            CapacityBytes = CapacityBytes,
            SizeBytes = bytes,
            Entries = entries,
            Hits = hits,
            Misses = misses,
            Evictions = evictions,
            AdmissionRejections = rejections,
            WindowPercent = Math.Round(Volatile.Read(ref _window) * 100, 2),
        };
    }

    private BlockCacheShard Shard(ulong hash) => _shards[(int)(hash >> 48) & _shardMask];
}
