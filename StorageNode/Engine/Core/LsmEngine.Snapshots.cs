namespace PairDb.Engine;

public sealed partial class LsmEngine
{
    private readonly SortedDictionary<long, int> _openSnapshots = [];

    /// <summary>Called by <see cref="EngineSnapshot"/>: compaction keeps every version such a snapshot can see.</summary>
    internal void RegisterSnapshot(long sequence)
    {
        lock (_openSnapshots)
        {
            _openSnapshots[sequence] = _openSnapshots.GetValueOrDefault(sequence) + 1;
        }
    }

    internal void UnregisterSnapshot(long sequence)
    {
        lock (_openSnapshots)
        {
            if (_openSnapshots.TryGetValue(sequence, out var count))
            {
                if (count <= 1)
                {
                    _openSnapshots.Remove(sequence);
                }
                else
                {
                    _openSnapshots[sequence] = count - 1;
                }
            }
        }
    }

    /// <summary>Sequences of open snapshots, ascending.</summary>
    internal long[] OpenSnapshotSequences()
    {
        lock (_openSnapshots)
        {
            var result = new long[_openSnapshots.Count];
            _openSnapshots.Keys.CopyTo(result, 0);
            return result;
        }
    }
}
