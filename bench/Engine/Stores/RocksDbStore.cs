using RocksDbSharp;

namespace PairDb.Bench.Engine.Stores;

/// <summary>RocksDB through RocksDbSharp with its default LSM settings: WAL always on; fsync per write only in sync mode
/// (RocksDB groups concurrent synced writers behind one leader, so the sync phase measures its group commit).</summary>
public sealed class RocksDbStore : IBenchStore
{
    private readonly RocksDb _db;
    private readonly WriteOptions _writeOptions;
    private readonly DbOptions _dbOptions;

    private RocksDbStore(string directory, StoreDurability durability)
    {
        _dbOptions = new DbOptions()
            .SetCreateIfMissing(true)
            .IncreaseParallelism(Environment.ProcessorCount);
        _db = RocksDb.Open(_dbOptions, directory);
        _writeOptions = new WriteOptions().SetSync(durability == StoreDurability.Sync);
    }

    public static IBenchEngine Engine { get; } = new RocksDbEngine();

    public void Put(byte[] key, byte[] value) => _db.Put(key, value, null, _writeOptions);

    public bool Get(byte[] key) => _db.Get(key) is not null;

    public int Scan(int count, Action onEntry)
    {
        using var iterator = _db.NewIterator();
        var read = 0;
        for (iterator.SeekToFirst(); read < count && iterator.Valid(); iterator.Next())
        {
            // Materialise both sides as the other engines do.
            _ = iterator.Key();
            _ = iterator.Value();
            read++;
            onEntry();
        }

        return read;
    }

    public void Dispose() => _db.Dispose();

    private sealed class RocksDbEngine : IBenchEngine
    {
        public string Name => "rocksdb";
        public string Family => "rocksdb";
        public IBenchStore Open(string directory, StoreDurability durability) => new RocksDbStore(directory, durability);
    }
}
