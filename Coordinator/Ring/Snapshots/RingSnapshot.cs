using PairDb.Coordinator.Data;

namespace PairDb.Coordinator.Ring.Snapshots;

/// <summary>
/// What a coordinator needs to serve without PostgreSQL: every storage_nodes row as last read (tokens and states
/// build the ring and its pending ranges; incarnations let the prober check node identities) and the version under
/// which this coordinator served the ring built from them.
/// </summary>
public sealed record RingSnapshot(long Version, DateTimeOffset WrittenAt, IReadOnlyList<StorageNodeRecord> Nodes);

/// <summary>A snapshot file that cannot be trusted (bad checksum, truncated, unknown format): refused, never served.</summary>
public sealed class RingSnapshotCorruptException(string message) : Exception(message);
