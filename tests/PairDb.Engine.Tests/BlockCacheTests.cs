using Microsoft.Extensions.Logging.Abstractions;

namespace PairDb.Engine.Tests;

public sealed class BlockCacheTests
{
    private const int BlockBytes = 4096;
    private const long Charge = BlockBytes + BlockCache.EntryOverhead;

    [Test]
    public void HitRate_ZipfianWorkloadWithScans_BeatsPlainLru()
    {
        const int capacityBlocks = 500;
        var cache = new BlockCache(capacityBlocks * Charge, 4, int.MaxValue, NullLogger.Instance);
        var lru = new PlainLru(capacityBlocks);
        var zipf = new Zipf(20_000, 0.9, seed: 7);
        var block = new byte[BlockBytes];
        long lruHits = 0, requests = 0;
        var scanKey = 1_000_000;
        for (var i = 0; i < 300_000; i++)
        {
            // Mostly skewed point reads, with a short sequential scan now and then.
            var key = i % 1000 < 950 ? zipf.Next() : scanKey++;
            requests++;
            if (lru.Access(key))
            {
                lruHits++;
            }

            if (!cache.TryGet(key, 0, out _))
            {
                cache.Insert(key, 0, block);
            }
        }

        var tinyLfu = cache.GetStatistics().HitRate;
        var plain = lruHits / (double)requests;
        Assert.That(tinyLfu, Is.GreaterThan(plain + 0.03), $"W-TinyLFU {tinyLfu:P1} vs LRU {plain:P1}");
    }

    [Test]
    public void FullScan_AfterHotSetWarm_HotSetStaysCached()
    {
        var cache = new BlockCache(1000 * Charge, 1, int.MaxValue, NullLogger.Instance);
        var block = new byte[BlockBytes];
        for (var round = 0; round < 20; round++)
        {
            for (var hot = 0; hot < 200; hot++)
            {
                Read(cache, 1, hot, block);
            }
        }

        for (var cold = 0; cold < 50_000; cold++)
        {
            Read(cache, 2, cold, block); // one pass over a table 50x the cache
        }

        var hits = 0;
        for (var hot = 0; hot < 200; hot++)
        {
            hits += cache.TryGet(1, hot, out _) ? 1 : 0;
        }

        Assert.That(hits, Is.GreaterThanOrEqualTo(190), "hot blocks still cached after the scan");
        Assert.That(cache.GetStatistics().AdmissionRejections, Is.GreaterThan(40_000));
    }

    [Test]
    public void Reduce_FullCache_FreesMemoryDownToTarget()
    {
        var cache = new BlockCache(1000 * Charge, 4, int.MaxValue, NullLogger.Instance);
        for (var i = 0; i < 5000; i++)
        {
            Read(cache, 1, i, new byte[BlockBytes]);
        }

        var before = cache.GetStatistics();
        var freed = cache.Reduce(200 * Charge);
        var after = cache.GetStatistics();

        Assert.That(before.UtilizationPercent, Is.GreaterThan(90));
        Assert.That(after.SizeBytes, Is.LessThanOrEqualTo(200 * Charge));
        Assert.That(freed, Is.EqualTo(before.SizeBytes - after.SizeBytes));
        Assert.That(after.CapacityBytes, Is.EqualTo(200 * Charge));
    }

    [Test]
    public void Tune_WorkloadShiftsFromFrequencyToRecency_AdjustsWeightsAndLogs()
    {
        var log = new ListLogger();
        var cache = new BlockCache(100 * Charge, 1, int.MaxValue, log);
        var block = new byte[BlockBytes];
        var zipf = new Zipf(5000, 0.8, seed: 3);
        for (var i = 0; i < 20_000; i++)
        {
            Read(cache, 1, zipf.Next(), block);
        }

        for (var i = 0; i < 40_000; i++)
        {
            Read(cache, 2, (i / 3) % 150, block); // a looping recency pattern slightly larger than the cache
        }

        Assert.That(log.Lines.Count(l => l.StartsWith("Adjusted cache weights window=", StringComparison.Ordinal)), Is.GreaterThan(3));
        Assert.That(cache.GetStatistics().WindowPercent, Is.Not.EqualTo(1.0));
    }

    [Test]
    public void EvictionRate_ThrashingCache_LogsEvictionRateHigh()
    {
        var log = new ListLogger();
        var cache = new BlockCache(10 * Charge, 1, 1, log);
        var block = new byte[BlockBytes];
        var started = DateTime.UtcNow;
        for (var i = 0; !log.Lines.Any(l => l.StartsWith("Cache eviction rate high evictions_per_sec=", StringComparison.Ordinal)); i++)
        {
            Read(cache, 1, i, block);
            Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(10)), "waiting for the eviction-rate warning");
        }

        Assert.That(log.Lines.Single(l => l.StartsWith("Cache eviction rate high", StringComparison.Ordinal)), Does.EndWith("cache_size=40.9KB"));
    }

    [Test]
    public void Engine_RepeatedReads_ServedFromCache()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(EngineTestKit.CompactionOptions(dir));
        for (var i = 0; i < 100; i++)
        {
            engine.Put(Bytes.Of($"k{i:D3}"), Bytes.Of("v"));
        }

        engine.Flush();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 100; i++)
            {
                Assert.That(engine.TryGet(Bytes.Of($"k{i:D3}"), out _), Is.True);
            }
        }

        var stats = engine.Cache!.GetStatistics();
        Assert.That(stats.Hits, Is.GreaterThan(250));
        Assert.That(stats.Misses, Is.LessThan(50));
    }

    private static void Read(BlockCache cache, long file, int block, byte[] data)
    {
        if (!cache.TryGet(file, block, out _))
        {
            cache.Insert(file, block, data);
        }
    }

    private sealed class PlainLru(int capacity)
    {
        private readonly LinkedList<long> _order = new();
        private readonly Dictionary<long, LinkedListNode<long>> _map = [];

        public bool Access(long key)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                return true;
            }

            _map[key] = _order.AddFirst(key);
            if (_map.Count > capacity)
            {
                _map.Remove(_order.Last!.Value);
                _order.RemoveLast();
            }

            return false;
        }
    }

    /// <summary>Zipf-distributed integers in [0, n) by inverse transform over the precomputed CDF.</summary>
    private sealed class Zipf
    {
        private readonly double[] _cdf;
        private readonly Random _random;

        public Zipf(int n, double exponent, int seed)
        {
            _random = new Random(seed);
            _cdf = new double[n];
            double sum = 0;
            for (var i = 0; i < n; i++)
            {
                sum += 1 / Math.Pow(i + 1, exponent);
                _cdf[i] = sum;
            }

            for (var i = 0; i < n; i++)
            {
                _cdf[i] /= sum;
            }
        }

        public int Next()
        {
            var index = Array.BinarySearch(_cdf, _random.NextDouble());
            return index >= 0 ? index : Math.Min(~index, _cdf.Length - 1);
        }
    }
}
