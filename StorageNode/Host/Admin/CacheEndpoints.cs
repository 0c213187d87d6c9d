using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using PairDb.Engine;
using PairDb.StorageNode.Configuration;

namespace PairDb.StorageNode.Admin;

/// <summary>
/// Runbook 1.2 step 4 and 6.4: block cache figures, and the temporary reduction (<c>{"target_size_mb": 512}</c>)
/// that frees memory at once. <c>cache/restore</c> gives the cache back its configured capacity. A node whose
/// cache is disabled (<c>Engine:Cache:CapacityBytes</c> 0) answers 409 to both.
/// </summary>
public static class CacheEndpoints
{
    public sealed record ReduceRequest(long? TargetSizeMb);

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/cache/stats", (LsmEngine engine) =>
            engine.Cache is { } cache ? Results.Ok(Stats(cache.GetStatistics())) : Disabled());
        api.MapPost("/cache/reduce", async (HttpRequest request, LsmEngine engine) =>
        {
            var (body, error) = await JsonBody.ReadAsync<ReduceRequest>(request, required: true);
            if (error is not null)
            {
                return error;
            }

            if (body!.TargetSizeMb is not { } megabytes || megabytes < 0 || megabytes > (long.MaxValue >> 20))
            {
                return JsonBody.Error("target_size_mb must be a non-negative whole number of MiB");
            }

            if (engine.Cache is not { } cache)
            {
                return Disabled();
            }

            var before = cache.CapacityBytes;
            var freed = cache.Reduce(megabytes << 20);
            return Results.Ok(new
            {
                capacity_bytes_before = before,
                capacity_bytes = cache.CapacityBytes,
                bytes_freed = freed,
                stats = Stats(cache.GetStatistics()),
            });
        });
        api.MapPost("/cache/restore", (LsmEngine engine, IOptions<StorageEngineOptions> options) =>
        {
            if (engine.Cache is not { } cache)
            {
                return Disabled();
            }

            var before = cache.CapacityBytes;
            cache.Resize(options.Value.Cache.CapacityBytes);
            return Results.Ok(new { capacity_bytes_before = before, capacity_bytes = cache.CapacityBytes, stats = Stats(cache.GetStatistics()) });
        });
    }

    private static IResult Disabled() => JsonBody.Error("the block cache is disabled (PairDb:StorageNode:Engine:Cache:CapacityBytes = 0)", StatusCodes.Status409Conflict);

    private static object Stats(BlockCacheStatistics s) => new
    {
        capacity_bytes = s.CapacityBytes,
        size_bytes = s.SizeBytes,
        entries = s.Entries,
        utilization_percent = Math.Round(s.UtilizationPercent, 2),
        hits = s.Hits,
        misses = s.Misses,
        requests = s.Requests,
        hit_rate = Math.Round(s.HitRate, 4),
        evictions = s.Evictions,
        admission_rejections = s.AdmissionRejections,
        window_percent = Math.Round(s.WindowPercent, 2),
        main_percent = Math.Round(100 - s.WindowPercent, 2),
    };
}
