using System.Text.Json;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Errors;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Topology;
using PairDb.Coordinator.Topology.Changes;

namespace PairDb.Coordinator.Api.Http;

/// <summary>The operator's controls of topology changes on the HTTP port (runbook 3.1-3.4, TOPOLOGY.md).</summary>
public static class RebalanceEndpoints
{
    public static void MapRebalanceEndpoints(this IEndpointRouteBuilder app)
    {
        var rebalance = app.MapGroup("/api/v1/rebalance").RequireAuthorization(PairDb.Hosting.Security.PairDbPolicies.Operator);
        rebalance.MapPost("/start", StartAsync);
        rebalance.MapGet("/status", StatusAsync);
        rebalance.MapPost("/restart", RestartAsync);
        rebalance.MapPost("/abort", AbortAsync);
        rebalance.MapPost("/change-source", ChangeSourceAsync);
        app.MapPost("/api/v1/routing/update", RoutingUpdateAsync).RequireAuthorization(PairDb.Hosting.Security.PairDbPolicies.Operator);
    }

    private static Task<IResult> StartAsync(HttpRequest request, ChangeControl control, CancellationToken cancellationToken) =>
        WithBody<RebalanceStartBody>(request, cancellationToken, async body =>
        {
            var change = await control.StartAsync(body.TargetNode ?? "", body.SourceNodes, cancellationToken);
            return Results.Json(RebalanceStatusJson.From(change), HttpJson.Options, statusCode: StatusCodes.Status202Accepted);
        });

    private static Task<IResult> StatusAsync(string? target_node, ChangeControl control, CancellationToken cancellationToken) =>
        HttpErrors.Run(async () => Results.Json(RebalanceStatusJson.From(await control.FindAsync(target_node, cancellationToken)), HttpJson.Options));

    private static Task<IResult> RestartAsync(HttpRequest request, ChangeControl control, CancellationToken cancellationToken) =>
        WithBody<RebalanceTargetBody>(request, cancellationToken, async body =>
        {
            var change = await control.RestartAsync(body.TargetNode ?? "", cancellationToken);
            return Results.Json(RebalanceStatusJson.From(change), HttpJson.Options, statusCode: StatusCodes.Status202Accepted);
        });

    private static Task<IResult> AbortAsync(HttpRequest request, ChangeControl control, CancellationToken cancellationToken) =>
        WithBody<RebalanceTargetBody>(request, cancellationToken, async body =>
            Results.Json(RebalanceStatusJson.From(await control.AbortAsync(body.TargetNode ?? "", cancellationToken)), HttpJson.Options));

    private static Task<IResult> ChangeSourceAsync(HttpRequest request, ChangeControl control, CancellationToken cancellationToken) =>
        WithBody<ChangeSourceBody>(request, cancellationToken, async body =>
        {
            var change = await control.ChangeSourceAsync(body.TargetNode ?? "", body.OldSource ?? "", body.NewSource ?? "", cancellationToken);
            return Results.Json(RebalanceStatusJson.From(change), HttpJson.Options);
        });

    /// <summary>Reloads the ring and its pending ranges from storage_nodes now (runbook 3.1 step 6).</summary>
    private static Task<IResult> RoutingUpdateAsync(NodeRegistry registry, IOptions<RingOptions> options, CancellationToken cancellationToken) =>
        HttpErrors.Run(async () =>
        {
            var ring = await registry.ReloadAsync(cancellationToken);
            var members = new List<string>(ring.Members.Count);
            foreach (var member in ring.Members)
            {
                members.Add(member.NodeId);
            }
            return Results.Json(new RoutingJson(ring.Version, members, PendingTargets(ring, options.Value.ReplicationFactor)), HttpJson.Options);
        });

    /// <summary>Nodes that receive pending-range writes: the gainers of every BOOTSTRAPPING and LEAVING node's change.</summary>
    private static int PendingTargets(TokenRing ring, int replicationFactor)
    {
        var targets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in ring.Nodes)
        {
            if (node.State is Data.NodeStates.Bootstrapping or Data.NodeStates.Leaving)
            {
                foreach (var move in ChangePlanner.Moves(ring, node.NodeId, replicationFactor))
                {
                    targets.UnionWith(move.Gainers);
                }
            }
        }
        return targets.Count;
    }

    /// <summary>
    /// Reads the JSON body whatever its Content-Type (the runbook's <c>curl -d</c> labels it a form),
    /// then runs <paramref name="action"/> under the admin API's error mapping.
    /// </summary>
    private static Task<IResult> WithBody<T>(HttpRequest request, CancellationToken cancellationToken, Func<T, Task<IResult>> action)
        where T : class =>
        HttpErrors.Run(async () =>
        {
            T? body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<T>(request.Body, HttpJson.Options, cancellationToken);
            }
            catch (JsonException e)
            {
                return HttpErrors.Error(StatusCodes.Status400BadRequest, ErrorCode.InvalidArgument, $"request body is not valid JSON: {e.Message}");
            }
            return body is null
                ? HttpErrors.Error(StatusCodes.Status400BadRequest, ErrorCode.InvalidArgument, "request body is empty")
                : await action(body);
        });
}
