using System.Text.Json;
using PairDb.Contracts.Errors;
using PairDb.Coordinator.Topology;

namespace PairDb.Coordinator.Api.Http;

/// <summary>The node admin API on the HTTP port (runbook 3.1 and 3.4).</summary>
public static class NodeEndpoints
{
    public static void MapNodeEndpoints(this IEndpointRouteBuilder app)
    {
        var nodes = app.MapGroup("/api/v1/nodes").RequireAuthorization(PairDb.Hosting.Security.PairDbPolicies.Operator);
        nodes.MapPost("/register", RegisterAsync);
        nodes.MapGet("/", ListAsync);
        nodes.MapGet("/{id}", GetAsync);
        nodes.MapDelete("/{id}", RemoveAsync);
        nodes.MapPost("/{id}/drain", (string id, NodeRegistry registry, CancellationToken ct) => SetDrainingAsync(id, true, registry, ct));
        nodes.MapPost("/{id}/undrain", (string id, NodeRegistry registry, CancellationToken ct) => SetDrainingAsync(id, false, registry, ct));
    }

    /// <summary>
    /// Reads the body whatever its Content-Type: the runbook's <c>curl -X POST -d '{...}'</c> sends
    /// JSON labelled application/x-www-form-urlencoded.
    /// </summary>
    private static Task<IResult> RegisterAsync(HttpRequest request, NodeRegistry registry, CancellationToken cancellationToken) =>
        HttpErrors.Run(async () =>
        {
            RegisterNodeBody? body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<RegisterNodeBody>(request.Body, HttpJson.Options, cancellationToken);
            }
            catch (JsonException e)
            {
                return HttpErrors.Error(StatusCodes.Status400BadRequest, ErrorCode.InvalidArgument, $"request body is not valid JSON: {e.Message}");
            }
            if (body is null)
            {
                return HttpErrors.Error(StatusCodes.Status400BadRequest, ErrorCode.InvalidArgument, "request body is empty");
            }
            var registration = new NodeRegistration(
                body.NodeId ?? "", body.Host ?? "", body.GrpcPort ?? body.Port ?? 0, body.HttpPort ?? 0, body.VirtualNodes ?? 0, body.CapacityGb, body.Scheme ?? "");
            var added = await registry.AddAsync(registration, cancellationToken);
            var reply = new NodeReplyJson(NodeJson.From(added.Node), ChangeJson.From(added.Change));
            return Results.Json(reply, HttpJson.Options, statusCode: StatusCodes.Status201Created);
        });

    private static Task<IResult> ListAsync(NodeRegistry registry, CancellationToken cancellationToken) =>
        HttpErrors.Run(async () =>
        {
            var rows = await registry.ListAsync(cancellationToken);
            var nodes = new List<NodeJson>(rows.Count);
            foreach (var row in rows)
            {
                nodes.Add(NodeJson.From(row));
            }
            return Results.Json(new NodeListJson(nodes), HttpJson.Options);
        });

    private static Task<IResult> GetAsync(string id, NodeRegistry registry, CancellationToken cancellationToken) =>
        HttpErrors.Run(async () =>
        {
            var found = await registry.GetAsync(id, cancellationToken);
            return Results.Json(new NodeReplyJson(NodeJson.From(found.Node), ChangeJson.From(found.Change)), HttpJson.Options);
        });

    private static Task<IResult> RemoveAsync(string id, bool? force, NodeRegistry registry, CancellationToken cancellationToken) =>
        HttpErrors.Run(async () =>
        {
            var removed = await registry.RemoveAsync(id, force ?? false, cancellationToken);
            return Results.Json(new NodeReplyJson(NodeJson.From(removed.Node), ChangeJson.From(removed.Change)), HttpJson.Options);
        });

    private static Task<IResult> SetDrainingAsync(string id, bool draining, NodeRegistry registry, CancellationToken cancellationToken) =>
        HttpErrors.Run(async () =>
        {
            var node = await registry.SetDrainingAsync(id, draining, cancellationToken);
            return Results.Json(new NodeReplyJson(NodeJson.From(node), null), HttpJson.Options);
        });
}
