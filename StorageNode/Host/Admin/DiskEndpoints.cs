using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using PairDb.StorageNode.Disk;

namespace PairDb.StorageNode.Admin;

/// <summary>
/// Disk manager status and threshold tuning (runbook 1, 5.1). Thresholds set here override
/// configuration until the process restarts or DELETE reverts them.
/// </summary>
public static class DiskEndpoints
{
    /// <summary>Either a preset name ("default", "conservative", "aggressive") or explicit thresholds (missing ones from the preset, or the current values).</summary>
    public sealed record ThresholdsRequest(string? Preset, double? WarningThreshold, double? ThrottleThreshold, double? CircuitBreakerThreshold);

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/disk/status", (DiskManager disk, IOptionsMonitor<DiskOptions> options) => Results.Ok(Describe(disk, options.CurrentValue)));
        api.MapPost("/disk/sample", (DiskManager disk, IOptionsMonitor<DiskOptions> options) =>
        {
            disk.Sample();
            return Results.Ok(Describe(disk, options.CurrentValue));
        });
        api.MapGet("/disk/thresholds", (DiskManager disk) => Results.Ok(Thresholds(disk)));
        api.MapGet("/disk/thresholds/presets", () => Results.Ok(new
        {
            @default = Json(DiskThresholds.Default),
            conservative = Json(DiskThresholds.Conservative),
            aggressive = Json(DiskThresholds.Aggressive),
        }));
        api.MapPost("/disk/thresholds", async (HttpRequest request, DiskManager disk) =>
        {
            var (body, error) = await JsonBody.ReadAsync<ThresholdsRequest>(request, required: true);
            if (error is not null)
            {
                return error;
            }

            var start = disk.Thresholds;
            if (body!.Preset is { } name)
            {
                if (!Enum.TryParse<DiskThresholdPreset>(name, ignoreCase: true, out var preset) || !Enum.IsDefined(preset))
                {
                    return JsonBody.Error($"unknown preset '{name}': use default, conservative or aggressive");
                }

                start = DiskThresholds.For(preset);
            }

            var wanted = new DiskThresholds(
                body.WarningThreshold ?? start.Warning,
                body.ThrottleThreshold ?? start.Throttle,
                body.CircuitBreakerThreshold ?? start.CircuitBreaker);
            if (wanted.Problem() is { } problem)
            {
                return JsonBody.Error(problem);
            }

            disk.SetThresholds(wanted, "admin_api");
            return Results.Ok(Thresholds(disk));
        });
        api.MapDelete("/disk/thresholds", (DiskManager disk) =>
        {
            disk.SetThresholds(null, "configuration");
            return Results.Ok(Thresholds(disk));
        });
    }

    private static object Describe(DiskManager disk, DiskOptions options)
    {
        var status = disk.Status;
        return new
        {
            status = status.StatusText,
            usage_percent = Math.Round(status.Usage.UsagePercent, 2),
            available_bytes = status.Usage.AvailableBytes,
            used_bytes = status.Usage.UsedBytes,
            capacity_bytes = status.Usage.CapacityBytes,
            capacity_source = options.CapacityBytes is null ? "volume" : "configured",
            is_throttled = status.IsThrottled,
            is_circuit_broken = status.IsCircuitBroken,
            throttle_write_size_bytes = options.ThrottleWriteSizeBytes,
            sample_interval_seconds = options.SampleInterval.TotalSeconds,
            sampled_at = status.SampledAt,
            thresholds = Thresholds(disk),
        };
    }

    private static object Thresholds(DiskManager disk)
    {
        var t = disk.Thresholds;
        return new
        {
            warning_threshold = t.Warning,
            throttle_threshold = t.Throttle,
            circuit_breaker_threshold = t.CircuitBreaker,
            source = disk.ThresholdsOverridden ? "admin_api" : "configuration",
        };
    }

    private static object Json(DiskThresholds t) => new
    {
        warning_threshold = t.Warning,
        throttle_threshold = t.Throttle,
        circuit_breaker_threshold = t.CircuitBreaker,
    };
}
