namespace PairDb.Engine.MemTable;

internal sealed partial class SkipListMemTable
{
    /// <summary>Taken by every <see cref="Core.EngineVersion"/> that lists this memtable.</summary>
    public void AddReference() => Interlocked.Increment(ref _references);

    /// <summary>
    /// Drops a reference: the creator's (the engine's, given up once the memtable is flushed) or a version's. The last
    /// one frees the arenas, so no node, key or value of this memtable may be touched after it.
    /// </summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _index.Free();
            _records.Free();
        }
    }
}
