using System.Buffers;
using PairDb.Engine;

namespace PairDb.Bench.Engine.Stores;

/// <summary>pairdb's own LSM engine with default options: periodic fsync for the buffered phases (the log is written
/// before Put returns, fsynced every PeriodicSyncInterval) and Sync durability (group commit) for the sync phase.</summary>
public sealed class PairDbStore : IBenchStore
{
    private readonly LsmEngine _engine;

    // The get phase is single-threaded: one reusable buffer receives each value (one copy, no allocation),
    // the engine's allocation-free read as a server would use it; ZoneTree hands back its stored array.
    private readonly ArrayBufferWriter<byte> _value = new(256);

    private PairDbStore(string directory, StoreDurability durability)
    {
        _engine = LsmEngine.Open(new LsmEngineOptions
        {
            DataDirectory = directory,
            Durability = durability == StoreDurability.Sync ? DurabilityMode.Sync : DurabilityMode.Periodic,
        });
    }

    public static IBenchEngine Engine { get; } = new PairDbEngine();

    public void Put(byte[] key, byte[] value) => _engine.Put(key, value);

    public bool Get(byte[] key)
    {
        _value.ResetWrittenCount();
        return _engine.TryGet(key, _value);
    }

    public int Scan(int count, Action onEntry)
    {
        var read = 0;
        foreach (var entry in _engine.Scan(null, null))
        {
            _ = entry.Key;
            _ = entry.Value;
            onEntry();
            if (++read == count)
            {
                break;
            }
        }

        return read;
    }

    public string? Describe()
    {
        var s = _engine.GetStatistics();
        return $"flushes={s.FlushesTotal} flushed={s.FlushedBytesTotal >> 20}MiB write-stalls={s.WriteStallsTotal} " +
            $"stalled={s.WriteStallDuration.TotalMilliseconds:F0}ms log-syncs={s.CommitLogSyncsTotal} " +
            $"log-bytes={s.CommitLogBytesWritten >> 20}MiB immutable-memtables={s.ImmutableMemtableCount} " +
            $"sstables-by-level=[{string.Join(',', s.SSTableCountByLevel)}]";
    }

    public void Dispose() => _engine.Dispose();

    private sealed class PairDbEngine : IBenchEngine
    {
        public string Name => "pairdb";
        public string Family => "pairdb";
        public IBenchStore Open(string directory, StoreDurability durability) => new PairDbStore(directory, durability);
    }
}
