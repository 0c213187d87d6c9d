using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using PairDb.Engine;
using PairDb.StorageNode.Configuration;
using PairDb.StorageNode.Disk;
using PairDb.StorageNode.Hosting;
using PairDb.StorageNode.Identity;
using PairDb.StorageNode.Metrics;

using PairDb.Hosting.Security;

namespace PairDb.StorageNode.Admin;

/// <summary>
/// <c>/health/live</c> (the process answers), <c>/health/ready</c> (takes writes: 503 in maintenance,
/// with the disk circuit breaker engaged or with the engine read-only) and <c>/health</c> (runbook 6.1,
/// always 200 so that an operator sees the report whatever the state).
/// </summary>
public static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Ok(new { status = "alive" })).RequireAuthorization(PairDbPolicies.Anonymous);
        app.MapGet("/health/ready", (NodeMode mode, DiskManager disk, LsmEngine engine) =>
            mode.InMaintenance || disk.Status.IsCircuitBroken || engine.WriteFailure is not null
                ? Results.Json(new { status = "not_ready", maintenance = mode.InMaintenance, disk = disk.Status.StatusText, read_only = engine.WriteFailure?.ToString() }, statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Ok(new { status = "ready" })).RequireAuthorization(PairDbPolicies.Anonymous);
        app.MapGet("/health", (LsmEngine engine, DiskManager disk, NodeMode mode, StorageNodeMetrics metrics, IOptions<NodeOptions> node, ReadOnlyRecovery recovery, NodeIdentity identity) =>
            Results.Ok(Build(engine, disk.Status, mode, metrics, node.Value.NodeId, recovery.WaitingFor) with { Incarnation = identity.Current.Id })).RequireAuthorization(PairDbPolicies.OperatorOrMember);
    }

    public static HealthReport Build(LsmEngine engine, DiskStatus disk, NodeMode mode, StorageNodeMetrics metrics, string nodeId, string? resumeWaitingFor = null)
    {
        var statistics = engine.GetStatistics();
        var cache = engine.Cache?.GetStatistics();
        var needsRepair = engine.NeedsRepair;
        var writeFailure = engine.WriteFailure;
        var status = disk.IsCircuitBroken || writeFailure is not null ? "unhealthy"
            : disk.IsThrottled || mode.InMaintenance || needsRepair ? "degraded"
            : "healthy";
        var thresholds = disk.Thresholds;
        var usagePercent = Math.Round(disk.Usage.UsagePercent, 2);
        return new HealthReport(
            status,
            nodeId,
            usagePercent,
            new DiskStatusReport(
                disk.StatusText,
                usagePercent,
                disk.Usage.AvailableBytes,
                disk.Usage.CapacityBytes,
                disk.IsThrottled,
                disk.IsCircuitBroken,
                thresholds.Warning,
                thresholds.Throttle,
                thresholds.CircuitBreaker,
                disk.SampledAt,
                disk.Usage.VolumeAvailableBytes,
                disk.Floors.Warning,
                disk.Floors.Throttle,
                disk.Floors.CircuitBreaker,
                disk.EngagedBy),
            Cache(cache),
            new MemtableStatusReport(statistics.MemtableSizeBytes, statistics.MemtableEntryCount, statistics.ImmutableMemtableCount),
            Pools(engine.Pools.GetStatistics()),
            new HealthMetricsReport(
                Math.Round(metrics.Writes.RatePerSecond(), 1),
                Math.Round(metrics.Reads.RatePerSecond(), 1),
                cache is null ? null : Math.Round(cache.HitRate, 4),
                metrics.Writes.QuantileMilliseconds(0.99),
                metrics.Reads.QuantileMilliseconds(0.99)),
            mode.InMaintenance,
            needsRepair,
            writeFailure is null ? null : new ReadOnlyReport(
                writeFailure.Since, writeFailure.Operation, writeFailure.FilePath, writeFailure.Error, writeFailure.DiskFull, resumeWaitingFor, engine.ResumeError));
    }

    // Null when the cache is disabled (capacity 0): there is no size or hit rate to report.
    private static CacheStatusReport? Cache(BlockCacheStatistics? cache) =>
        cache is null ? null : new CacheStatusReport(cache.SizeBytes, Math.Round(cache.UtilizationPercent, 2), Math.Round(cache.HitRate, 4));

    private static Dictionary<string, WorkerPoolReport> Pools(IReadOnlyList<WorkerPoolStatistics> pools)
    {
        var report = new Dictionary<string, WorkerPoolReport>(pools.Count, StringComparer.Ordinal);
        foreach (var pool in pools)
        {
            report[pool.Name] = new WorkerPoolReport(pool.ActiveWorkers, pool.QueuedTasks, Math.Round(pool.UtilizationPercent, 2));
        }

        return report;
    }
}
