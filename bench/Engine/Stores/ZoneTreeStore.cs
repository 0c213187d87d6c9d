using ZoneTree;
using ZoneTree.Comparers;
using ZoneTree.Options;
using ZoneTree.Serializers;

namespace PairDb.Bench.Engine.Stores;

/// <summary>ZoneTree with byte-array keys in lexicographic order and a background maintainer (merges, as in its
/// quick start). Its WAL modes never fsync per write; in sync mode every put awaits <c>SyncWALAsync</c>, which
/// ZoneTree shares between concurrent callers: that is its group commit.</summary>
public sealed class ZoneTreeStore : IBenchStore
{
    private readonly IZoneTree<byte[], byte[]> _tree;
    private readonly IMaintainer _maintainer;
    private readonly bool _syncEachPut;

    private ZoneTreeStore(string directory, WriteAheadLogMode walMode, StoreDurability durability)
    {
        _tree = new ZoneTreeFactory<byte[], byte[]>()
            .SetDataDirectory(directory)
            .SetComparer(new BytesLexicographicComparerAscending())
            .SetKeySerializer(new BytesSerializer())
            .SetValueSerializer(new BytesSerializer())
            .ConfigureWriteAheadLogOptions(wal => wal.WriteAheadLogMode = walMode)
            .OpenOrCreate();
        _maintainer = _tree.CreateMaintainer();
        _syncEachPut = durability == StoreDurability.Sync;
    }

    /// <summary>WAL mode Sync: the like-for-like mode (each write reaches the OS before Upsert returns).</summary>
    public static IBenchEngine SyncWal { get; } = new ZoneTreeEngine("zonetree(wal=sync)", WriteAheadLogMode.Sync);

    /// <summary>ZoneTree's default WAL mode for ordinary trees: a background writer compresses and appends.</summary>
    public static IBenchEngine AsyncWal { get; } = new ZoneTreeEngine("zonetree(wal=async)", WriteAheadLogMode.AsyncCompressed);

    public void Put(byte[] key, byte[] value)
    {
        _tree.Upsert(key, value);
        if (_syncEachPut)
        {
            _tree.SyncWALAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    public bool Get(byte[] key) => _tree.TryGet(key, out _);

    public int Scan(int count, Action onEntry)
    {
        using var iterator = _tree.CreateIterator(IteratorType.NoRefresh, false, true);
        var read = 0;
        while (read < count && iterator.Next())
        {
            _ = iterator.CurrentKey;
            _ = iterator.CurrentValue;
            read++;
            onEntry();
        }

        return read;
    }

    public void Dispose()
    {
        _maintainer.WaitForBackgroundThreads();
        _maintainer.Dispose();
        _tree.Dispose();
    }

    private sealed class ZoneTreeEngine(string name, WriteAheadLogMode walMode) : IBenchEngine
    {
        public string Name => name;
        public string Family => "zonetree";
        public IBenchStore Open(string directory, StoreDurability durability) => new ZoneTreeStore(directory, walMode, durability);
    }
}
