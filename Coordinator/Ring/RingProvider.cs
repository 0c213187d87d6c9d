using Microsoft.Extensions.Options;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Ring.Movement;

namespace PairDb.Coordinator.Ring;

/// <summary>
/// Holds the current <see cref="TokenRing"/> in memory. The data path reads <see cref="Current"/> (one
/// volatile read, never PostgreSQL); the node registry publishes a new snapshot after every
/// topology change it makes, and the topology refresher after every change another coordinator made.
/// </summary>
public sealed class RingProvider(IOptions<RingOptions> options)
{
    private readonly Lock _publishLock = new();
    private TokenRing _current = TokenRing.Empty;

    /// <summary>Raised after a new snapshot becomes current, on the publishing thread.</summary>
    public event Action<TokenRing>? Changed;

    public TokenRing Current => Volatile.Read(ref _current);

    /// <summary>Builds and publishes a ring from the full set of rows of storage_nodes.</summary>
    public TokenRing Publish(IReadOnlyCollection<StorageNodeRecord> rows)
    {
        TokenRing ring;
        lock (_publishLock)
        {
            ring = RingBuilder.Build(rows, _current.Version + 1);
            ring.Pending = PendingRanges.Compute(ring, options.Value.ReplicationFactor);
            Volatile.Write(ref _current, ring);
        }
        Changed?.Invoke(ring);
        return ring;
    }
}
