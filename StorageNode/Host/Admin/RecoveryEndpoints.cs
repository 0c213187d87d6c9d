using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PairDb.Contracts.Errors;
using PairDb.StorageNode.Recovery;

namespace PairDb.StorageNode.Admin;

/// <summary>
/// Runbook 2.3 step 3: <c>POST /api/v1/recovery/restore-from-replica</c> <c>{"files": ["sstable-123.sst", ...]}</c> and
/// <c>POST /api/v1/recovery/sstable</c> <c>{"sstable_id": "123", "source": "replica"}</c>: each file is removed and its
/// key range refetched from the replica peers the coordinator names. A bad request (unknown file, bad name, no
/// coordinator configured or reachable) answers 400/503 with a pairdb error code and changes nothing.
/// </summary>
public static class RecoveryEndpoints
{
    public sealed record RestoreRequest(IReadOnlyList<string>? Files);

    public sealed record SSTableRequest(string? SstableId, string? Source);

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/recovery/restore-from-replica", async (HttpRequest request, ReplicaRestorer restorer) =>
        {
            var (body, error) = await JsonBody.ReadAsync<RestoreRequest>(request, required: true);
            return error ?? await RunAsync(restorer, body!.Files ?? []);
        });
        api.MapPost("/recovery/sstable", async (HttpRequest request, ReplicaRestorer restorer) =>
        {
            var (body, error) = await JsonBody.ReadAsync<SSTableRequest>(request, required: true);
            if (error is not null)
            {
                return error;
            }

            if (body!.Source is not (null or "replica"))
            {
                return Rejected(StatusCodes.Status400BadRequest, ErrorCode.InvalidArgument, $"source must be \"replica\" (is \"{body.Source}\")");
            }

            return await RunAsync(restorer, body.SstableId is null ? [] : [body.SstableId]);
        });
    }

    private static async Task<IResult> RunAsync(ReplicaRestorer restorer, IReadOnlyList<string> files)
    {
        try
        {
            // Not the request's token: once files are removed, the refetch must finish even if curl goes away.
            var report = await restorer.RestoreAsync(files, CancellationToken.None);
            return Results.Ok(new
            {
                status = report.Errors.Count == 0 ? "restored" : "partial",
                files_restored = report.FilesRestored,
                keys_refetched = report.KeysRefetched,
                errors = report.Errors,
            });
        }
        catch (RestoreRejectedException e)
        {
            return Rejected(e.StatusCode, e.Code, e.Message);
        }
    }

    private static IResult Rejected(int statusCode, ErrorCode code, string message) =>
        Results.Json(new { error = message, code = (int)code }, statusCode: statusCode);
}
