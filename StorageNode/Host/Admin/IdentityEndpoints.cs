using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PairDb.StorageNode.Identity;

namespace PairDb.StorageNode.Admin;

/// <summary>
/// <c>GET /api/v1/identity</c>: the node id, the current incarnation (whose actor <c>node_id@incarnation</c>
/// every dot minted now carries) and the earlier ones. <c>POST /api/v1/identity/renew {"reason"}</c> takes a
/// new incarnation by hand, e.g. when the coordinator refuses this node for answering with a retired one.
/// </summary>
public static class IdentityEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/identity", (NodeIdentity identity) => Results.Ok(Describe(identity)));
        api.MapPost("/identity/renew", async (HttpRequest request, NodeIdentity identity) =>
        {
            var (body, bodyError) = await JsonBody.ReadAsync<RenewRequest>(request, required: false);
            if (bodyError is not null)
            {
                return bodyError;
            }

            identity.Renew($"operator: {body?.Reason ?? "POST /api/v1/identity/renew"}");
            return Results.Ok(Describe(identity));
        });
    }

    private static object Describe(NodeIdentity identity)
    {
        var current = identity.Current;
        return new
        {
            node_id = identity.NodeId,
            incarnation = current.Id,
            actor = current.Actor,
            since = current.Since,
            reason = current.Reason,
            previous = identity.Previous,
        };
    }

    private sealed record RenewRequest(string? Reason);
}
