using Microsoft.EntityFrameworkCore;
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
    private static readonly TimeSpan MetadataProbeTimeout = TimeSpan.FromSeconds(2);

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Json(new { status = "alive" }, HttpJson.Options)).RequireAuthorization(PairDb.Hosting.Security.PairDbPolicies.Anonymous);
        app.MapGet("/health", HealthAsync).RequireAuthorization(PairDb.Hosting.Security.PairDbPolicies.OperatorOrMember);
    }

    /// <summary>
    /// healthy: metadata reachable and at least N ring members UP; degraded: metadata reachable but
    /// fewer members UP; unhealthy (503): metadata unreachable, so no membership change can be made.
    /// </summary>
    private static async Task<IResult> HealthAsync(
        IDbContextFactory<PairDbContext> contexts,
        RingProvider rings,
        NodeLiveness liveness,
        IOptions<RingOptions> ringOptions,
        HintSpool spool,
        CancellationToken cancellationToken)
    {
        var metadataOk = false;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(MetadataProbeTimeout);
            try
            {
                await using var db = await contexts.CreateDbContextAsync(deadline.Token);
                metadataOk = await db.Database.CanConnectAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                metadataOk = false;
            }
        }

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
        var status = !metadataOk ? "unhealthy" : membersUp >= replicationFactor ? "healthy" : "degraded";
        var body = new
        {
            status,
            metadata = metadataOk ? "ok" : "unavailable",
            ring_version = ring.Version,
            nodes = ring.Nodes.Count,
            ring_members = ring.Members.Count,
            ring_members_up = membersUp,
            replication_factor = replicationFactor,
            // Hints PostgreSQL could not take in time, on this coordinator's disk (the table's are in `pairdb hints`).
            hints = new { spooled = spool.Count, spool_bytes = spool.Bytes, spool_capacity_bytes = spool.CapacityBytes, spooled_by_target = spool.CountsByTarget() },
        };
        return Results.Json(body, HttpJson.Options, statusCode: metadataOk ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
