using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using PairDb.StorageNode.Data;
using PairDb.StorageNode.Streaming;

namespace PairDb.StorageNode.Admin;

/// <summary>
/// Runbook 3.4 step 2: <c>POST /api/v1/data/clear-all</c> removes every key on this node (the partial copy of an
/// aborted bootstrap), without tombstones, and answers with the keys dropped. Same as StorageService.ClearAll.
/// </summary>
public static class DataEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/data/clear-all", async (HttpRequest request, VersionedStore store, ILoggerFactory loggers) =>
        {
            var (_, bodyError) = await JsonBody.ReadAsync<AdminRun.EmptyRequest>(request, required: false);
            if (bodyError is not null)
            {
                return bodyError;
            }

            // Not the request's token: a client that goes away must not leave the node half cleared.
            var result = await store.ClearAllAsync(CancellationToken.None);
            StreamingLog.AllCleared(loggers.CreateLogger("PairDb.StorageNode.Admin"), result.KeysDropped, result.BytesReclaimed);
            return Results.Ok(new
            {
                status = "cleared",
                keys_dropped = result.KeysDropped,
                bytes_reclaimed = result.BytesReclaimed,
                tables_rewritten = result.TablesRewritten,
            });
        });
    }
}
