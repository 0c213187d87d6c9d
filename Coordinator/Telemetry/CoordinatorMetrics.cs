using System.Diagnostics.Metrics;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Nodes;
using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Telemetry;

/// <summary>The membership instruments (meter <see cref="MeterName"/>), exported on /metrics.</summary>
public sealed class CoordinatorMetrics
{
    public const string MeterName = "PairDb.Coordinator";
    public const string StorageNodes = "storage_nodes";
    public const string StorageNodesUp = "storage_nodes_up";
    public const string RingVersion = "ring_version";
    public const string RingSnapshotAge = "ring_snapshot_age_seconds";
    public const string MetadataAvailable = "metadata_available";

    public CoordinatorMetrics(
        IMeterFactory meters, RingProvider rings, NodeLiveness liveness, Ring.Snapshots.RingSnapshotStore snapshots, MetadataAvailability availability, TimeProvider time)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge(StorageNodes, () => rings.Current.Nodes.Count, description: "Registered storage nodes");
        meter.CreateObservableGauge(StorageNodesUp, () => CountUp(rings.Current, liveness), description: "Registered storage nodes whose last health probe succeeded");
        meter.CreateObservableGauge(RingVersion, () => rings.Current.Version, description: "Version of the ring snapshot in use");
        meter.CreateObservableGauge(MetadataAvailable, () => availability.IsAvailable ? 1 : 0,
            description: "1 while the metadata database (PostgreSQL) answers, 0 during an outage");
        // Absent until a snapshot exists; grows during a PostgreSQL outage (no reads, so no newer snapshot).
        meter.CreateObservableGauge(RingSnapshotAge, () => snapshots.LastWrittenAt is { } at
                ? [new Measurement<double>((time.GetUtcNow() - at).TotalSeconds)]
                : Array.Empty<Measurement<double>>(),
            unit: "s", description: "Age of the local ring snapshot (what a restart during a PostgreSQL outage would serve)");
    }

    private static int CountUp(TokenRing ring, NodeLiveness liveness)
    {
        var up = 0;
        foreach (var node in ring.Nodes)
        {
            if (liveness.StatusOf(node.NodeId) == NodeStatuses.Up)
            {
                up++;
            }
        }
        return up;
    }
}
