using System.Collections.Concurrent;

namespace PairDb.Coordinator.Replication.Hints;

/// <summary>
/// Hints stored per target node as this coordinator believes (its own inserts since the last
/// recount, plus the recount the replay job takes from <c>hints</c> on every run), enforcing
/// <c>PairDb:Hints:MaxHintsPerNode</c> without a query on the write path.
/// </summary>
public sealed class HintBacklog
{
    private readonly ConcurrentDictionary<string, StrongBoxLong> _counts = new(StringComparer.Ordinal);

    /// <summary>Counts one more hint for <paramref name="target"/> unless that would pass <paramref name="cap"/>.</summary>
    public bool TryReserve(string target, long cap)
    {
        var box = _counts.GetOrAdd(target, static _ => new StrongBoxLong());
        if (Interlocked.Increment(ref box.Value) <= cap)
        {
            return true;
        }
        Interlocked.Decrement(ref box.Value);
        return false;
    }

    public void Release(string target, long count)
    {
        if (_counts.TryGetValue(target, out var box))
        {
            Interlocked.Add(ref box.Value, -count);
        }
    }

    public long CountOf(string target) => _counts.TryGetValue(target, out var box) ? Volatile.Read(ref box.Value) : 0;

    /// <summary>Replaces every count with the table's (targets missing from <paramref name="counts"/> have none).</summary>
    public void Reset(IReadOnlyDictionary<string, long> counts)
    {
        foreach (var (target, box) in _counts)
        {
            Volatile.Write(ref box.Value, counts.GetValueOrDefault(target));
        }
        foreach (var (target, count) in counts)
        {
            _counts.GetOrAdd(target, static _ => new StrongBoxLong()).Value = count;
        }
    }

    private sealed class StrongBoxLong
    {
        public long Value;
    }
}
