using Microsoft.Extensions.Options;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Ring.Movement;

namespace PairDb.Coordinator.Ring;

/// <summary>
/// Holds the current <see cref="TokenRing"/> in memory. The data path reads <see cref="Current"/> (one
/// volatile read, never PostgreSQL); the node registry publishes a new snapshot after every
/// topology change it makes, and the topology refresher after every change another coordinator made.
/// Versions only grow, across restarts too: start-up seeds the counter from the ring snapshot
/// (<see cref="Snapshots.RingSnapshotStore"/>), so a coordinator never serves a version number it already used
/// for another ring, and never a ring older than one it served.
/// </summary>
public sealed class RingProvider(IOptions<RingOptions> options)
{
    private readonly Lock _publishLock = new();
    private TokenRing _current = TokenRing.Empty;
    private long _versionFloor;
    private volatile RingSource _source = RingSource.Database;

    /// <summary>Raised after a new snapshot becomes current, on the publishing thread.</summary>
    public event Action<TokenRing>? Changed;

    public TokenRing Current => Volatile.Read(ref _current);

    /// <summary>Where <see cref="Current"/> was read from: PostgreSQL, or the local snapshot while PostgreSQL is away.</summary>
    public RingSource Source => _source;

    /// <summary>Builds and publishes a ring from the full set of rows of storage_nodes, as read from PostgreSQL.</summary>
    public TokenRing Publish(IReadOnlyCollection<StorageNodeRecord> rows) => Publish(rows, version: null, RingSource.Database);

    /// <summary>Serves the snapshot's rows under the snapshot's own version (the one this coordinator served last).</summary>
    public TokenRing PublishSnapshot(Snapshots.RingSnapshot snapshot) => Publish(snapshot.Nodes, snapshot.Version, RingSource.Snapshot);

    /// <summary>PostgreSQL was read and holds what is being served (nothing to publish): the ring's source is the database again.</summary>
    public void ConfirmFromDatabase() => _source = RingSource.Database;

    /// <summary>The next ring published gets a version above <paramref name="version"/> (the snapshot's, at start-up).</summary>
    public void SeedVersion(long version)
    {
        lock (_publishLock)
        {
            _versionFloor = Math.Max(_versionFloor, version);
        }
    }

    private TokenRing Publish(IReadOnlyCollection<StorageNodeRecord> rows, long? version, RingSource source)
    {
        TokenRing ring;
        lock (_publishLock)
        {
            var next = version ?? Math.Max(_current.Version, _versionFloor) + 1;
            ring = RingBuilder.Build(rows, next);
            ring.Pending = PendingRanges.Compute(ring, options.Value.ReplicationFactor);
            _versionFloor = Math.Max(_versionFloor, next);
            Volatile.Write(ref _current, ring);
            _source = source;
        }
        Changed?.Invoke(ring);
        return ring;
    }
}

/// <summary>Where the ring in use came from (<c>ring_source</c> in /health).</summary>
public enum RingSource
{
    Database,
    Snapshot,
}
