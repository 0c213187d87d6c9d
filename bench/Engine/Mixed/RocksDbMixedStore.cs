using System.Globalization;
using RocksDbSharp;

namespace PairDb.Bench.Engine.Mixed;

/// <summary>RocksDB with the engine phases' settings plus statistics (for the block-cache hit rate) and a 256 MiB LRU
/// block cache, the same budget as pairdb's default, so read figures compare like for like.</summary>
public sealed class RocksDbMixedStore : IMixedStore
{
    private readonly RocksDb _db;
    private readonly DbOptions _options;
    private readonly WriteOptions _writeOptions = new WriteOptions().SetSync(false);

    public RocksDbMixedStore(string directory)
    {
        var table = new BlockBasedTableOptions().SetBlockCache(Cache.CreateLru(256UL << 20));
        _options = new DbOptions()
            .SetCreateIfMissing(true)
            .IncreaseParallelism(Environment.ProcessorCount)
            .SetBlockBasedTableFactory(table);
        _options.EnableStatistics();
        _db = RocksDb.Open(_options, directory);
    }

    public string Family => "rocksdb";

    public void Put(byte[] key, byte[] value) => _db.Put(key, value, null, _writeOptions);

    public bool Get(byte[] key) => _db.Get(key) is not null;

    public (long Hits, long Misses) CacheCounters()
    {
        var text = _options.GetStatisticsString() ?? string.Empty;
        return (Ticker(text, "rocksdb.block.cache.data.hit"), Ticker(text, "rocksdb.block.cache.data.miss"));
    }

    public string? Describe()
    {
        var text = _options.GetStatisticsString() ?? string.Empty;
        return $"wal={Ticker(text, "rocksdb.wal.bytes") >> 20}MiB flushed={Ticker(text, "rocksdb.flush.write.bytes") >> 20}MiB " +
            $"compacted={Ticker(text, "rocksdb.compact.write.bytes") >> 20}MiB stall-micros={Ticker(text, "rocksdb.stall.micros")} " +
            $"files-by-level=[{Levels()}]";
    }

    public void Dispose() => _db.Dispose();

    private string Levels()
    {
        var parts = new List<string>();
        for (var level = 0; level < 7; level++)
        {
            parts.Add(_db.GetProperty($"rocksdb.num-files-at-level{level}") ?? "?");
        }

        return string.Join(',', parts);
    }

    /// <summary>Reads "name COUNT : N" from RocksDB's statistics dump.</summary>
    private static long Ticker(string text, string name)
    {
        var at = text.IndexOf(name + " COUNT : ", StringComparison.Ordinal);
        if (at < 0)
        {
            return 0;
        }

        var start = at + name.Length + " COUNT : ".Length;
        var end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return long.Parse(text.AsSpan(start, end - start), CultureInfo.InvariantCulture);
    }
}
