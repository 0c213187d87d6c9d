using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PairDb.StorageNode.Hosting;

namespace PairDb.StorageNode.Admin;

/// <summary>Runbook 1.4: maintenance mode rejects writes with NODE_NOT_READY (2001); reads keep working.</summary>
public static class MaintenanceEndpoints
{
    public sealed record EnableRequest(string? Reason);

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/maintenance/enable", async (HttpRequest request, NodeMode mode) =>
        {
            var (body, error) = await JsonBody.ReadAsync<EnableRequest>(request, required: false);
            if (error is not null)
            {
                return error;
            }

            var changed = mode.EnterMaintenance(body?.Reason);
            return Results.Ok(Describe(mode, changed));
        });
        api.MapPost("/maintenance/disable", (NodeMode mode) => Results.Ok(Describe(mode, mode.ExitMaintenance())));
        api.MapGet("/maintenance/status", (NodeMode mode) => Results.Ok(Describe(mode, changed: false)));
    }

    private static object Describe(NodeMode mode, bool changed) => new
    {
        maintenance = mode.InMaintenance,
        changed,
        since = mode.Maintenance?.Since,
        reason = mode.Maintenance?.Reason,
        writes = mode.InMaintenance ? "rejected (NODE_NOT_READY 2001)" : "accepted",
    };
}
