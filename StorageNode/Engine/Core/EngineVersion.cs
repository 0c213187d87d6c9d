using PairDb.Engine.MemTable;
using PairDb.Engine.SSTable;

namespace PairDb.Engine.Core;

/// <summary>
/// An immutable picture of where data lives: the active memtable, immutable memtables (newest first) and
/// the tables of each level (L0 newest first; deeper levels sorted by key, non-overlapping).
/// The engine swaps its current version atomically on memtable rotation, flush and (later) compaction.
/// Readers and snapshots hold a reference; the tables' files stay mapped until the last holder lets go.
/// </summary>
internal sealed class EngineVersion
{
    private int _references = 1;

    public EngineVersion(SkipListMemTable active, SkipListMemTable[] immutables, SSTableReader[][] levels)
    {
        Active = active;
        Immutables = immutables;
        Levels = levels;
        active.AddReference();
        foreach (var memTable in immutables)
        {
            memTable.AddReference();
        }

        foreach (var level in levels)
        {
            foreach (var table in level)
            {
                table.AddReference();
            }
        }
    }

    public SkipListMemTable Active { get; }

    public SkipListMemTable[] Immutables { get; }

    public SSTableReader[][] Levels { get; }

    public int TableCount
    {
        get
        {
            var count = 0;
            foreach (var level in Levels)
            {
                count += level.Length;
            }

            return count;
        }
    }

    /// <summary>Takes a reference unless the version has already been released by everyone.</summary>
    public bool TryAcquire()
    {
        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0)
        {
            return;
        }

        Active.Release();
        foreach (var memTable in Immutables)
        {
            memTable.Release();
        }

        foreach (var level in Levels)
        {
            foreach (var table in level)
            {
                table.Release();
            }
        }
    }
}
