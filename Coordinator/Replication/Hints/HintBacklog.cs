using System.Collections.Concurrent;

namespace PairDb.Coordinator.Replication.Hints;

/// <summary>
/// Hints stored per target node as this coordinator believes, enforcing
/// <c>PairDb:Hints:MaxHintsPerNode</c> without a query on the write path: the hints committed
/// (its own inserts, less its replays, corrected by the replay job's recount of <c>hints</c>) plus
/// the hints reserved but not yet committed. A recount only replaces the committed figure when no
/// commit or release for that target happened while it was taken, so a hint committing during the
/// query is never lost from the count (which would let the cap be passed). "Stored" includes hints in the local
/// spool (issue 15): spooling commits a reservation as a COPY does, and the recount adds the spool's counts.
/// </summary>
public sealed class HintBacklog
{
    private readonly ConcurrentDictionary<string, Counts> _counts = new(StringComparer.Ordinal);

    /// <summary>Reserves room for one more hint for <paramref name="target"/> unless that would pass <paramref name="cap"/>.</summary>
    public bool TryReserve(string target, long cap)
    {
        var counts = _counts.GetOrAdd(target, static _ => new Counts());
        lock (counts)
        {
            if (counts.Stored + counts.InFlight >= cap)
            {
                return false;
            }
            counts.InFlight++;
            return true;
        }
    }

    /// <summary>A reserved hint is now in the table.</summary>
    public void Committed(string target) => Update(target, static c =>
    {
        c.InFlight--;
        c.Stored++;
        c.Version++;
    });

    /// <summary><paramref name="count"/> hints found stored at start-up (the spool's recovered hints).</summary>
    public void AddStored(string target, long count) => Update(target, c =>
    {
        c.Stored += count;
        c.Version++;
    });

    /// <summary>A reserved hint was never stored.</summary>
    public void Abandoned(string target) => Update(target, static c => c.InFlight--);

    /// <summary><paramref name="count"/> stored hints left the table (replayed).</summary>
    public void Release(string target, long count)
    {
        if (_counts.TryGetValue(target, out var counts))
        {
            lock (counts)
            {
                counts.Stored -= count;
                counts.Version++;
            }
        }
    }

    public long CountOf(string target)
    {
        if (!_counts.TryGetValue(target, out var counts))
        {
            return 0;
        }
        lock (counts)
        {
            return counts.Stored + counts.InFlight;
        }
    }

    /// <summary>Taken before a recount: what <see cref="Reset"/> compares against.</summary>
    public IReadOnlyDictionary<string, long> Versions()
    {
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (target, counts) in _counts)
        {
            lock (counts)
            {
                versions[target] = counts.Version;
            }
        }
        return versions;
    }

    /// <summary>
    /// Replaces each target's committed count with the table's (targets missing from
    /// <paramref name="stored"/> have none), except where a commit or release happened since
    /// <paramref name="versionsBefore"/> was taken: that recount may miss it, the next one will not.
    /// </summary>
    public void Reset(IReadOnlyDictionary<string, long> stored, IReadOnlyDictionary<string, long> versionsBefore)
    {
        foreach (var target in stored.Keys)
        {
            _counts.GetOrAdd(target, static _ => new Counts());
        }
        foreach (var (target, counts) in _counts)
        {
            lock (counts)
            {
                if (counts.Version == versionsBefore.GetValueOrDefault(target))
                {
                    counts.Stored = stored.GetValueOrDefault(target);
                }
            }
        }
    }

    private void Update(string target, Action<Counts> change)
    {
        var counts = _counts.GetOrAdd(target, static _ => new Counts());
        lock (counts)
        {
            change(counts);
        }
    }

    private sealed class Counts
    {
        public long Stored;
        public long InFlight;
        public long Version;
    }
}
