using Microsoft.Extensions.Options;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Nodes;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Replication.Hints.Spool;
using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Api.Http;

/// <summary><c>/health/live</c> (the process is up) and <c>/health</c> (it can do its job).</summary>
public static class HealthEndpoints
{
    // metadata_unavailable_since is null while PostgreSQL answers: written as null, not left out.
    private static readonly System.Text.Json.JsonSerializerOptions HealthJson = new(HttpJson.Options)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
    };

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Json(new { status = "alive" }, HttpJson.Options)).RequireAuthorization(PairDb.Hosting.Security.PairDbPolicies.Anonymous);
        app.MapGet("/health", HealthAsync).RequireAuthorization(PairDb.Hosting.Security.PairDbPolicies.OperatorOrMember);
    }

    /// <summary>
    /// healthy: metadata reachable and at least N ring members UP; degraded: fewer members UP, or the metadata
    /// database unreachable (the data path goes on from the ring in memory or the snapshot: reads and writes work,
    /// membership changes and jobs wait), with <c>metadata_unavailable_since</c> and <c>ring_source</c> saying so.
    /// Always 200: a load balancer must keep sending traffic to a coordinator that serves data.
    /// </summary>
    private static IResult HealthAsync(
        MetadataAvailability availability,
        RingProvider rings,
        NodeLiveness liveness,
        IOptions<RingOptions> ringOptions,
        HintSpool spool,
        Clock.ClusterClock clock)
    {
        // The probe's last answer (every PairDb:Metadata:ProbeInterval): /health never waits on PostgreSQL itself.
        var metadataOk = availability.IsAvailable;
        var ring = rings.Current;
        var membersUp = 0;
        foreach (var member in ring.Members)
        {
            if (liveness.StatusOf(member.NodeId) == NodeStatuses.Up)
            {
                membersUp++;
            }
        }
        var replicationFactor = ringOptions.Value.ReplicationFactor;
        var status = metadataOk && membersUp >= replicationFactor ? "healthy" : "degraded";
        var body = new
        {
            status,
            metadata = metadataOk ? "ok" : "unavailable",
            metadata_unavailable_since = availability.UnavailableSince,
            ring_source = rings.Source == RingSource.Snapshot ? "snapshot" : "database",
            ring_version = ring.Version,
            nodes = ring.Nodes.Count,
            ring_members = ring.Members.Count,
            ring_members_up = membersUp,
            replication_factor = replicationFactor,
            // Hints PostgreSQL could not take in time, on this coordinator's disk (the table's are in `pairdb hints`).
            // Node clock offsets from the cluster time (seconds) and this coordinator's own correction (README "Time and clocks").
            clock = new
            {
                max_offset_seconds = clock.MaxOffset.TotalSeconds,
                correction_seconds = clock.Correction.TotalSeconds,
                node_offsets_seconds = clock.OffsetsSeconds(),
            },
            hints = new { spooled = spool.Count, spool_bytes = spool.Bytes, spool_capacity_bytes = spool.CapacityBytes, spooled_by_target = spool.CountsByTarget() },
        };
        return Results.Json(body, HealthJson);
    }
}
