using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PairDb.Engine;
using PairDb.StorageNode.Disk;

namespace PairDb.StorageNode.Admin;

/// <summary>
/// Runbook 1.2, 1.4 and 6.4: manual compaction and its status. <c>trigger</c> runs the one job with the
/// highest score; <c>trigger-all-levels</c> empties L0 and brings every level within its target;
/// <c>compact-all</c> flushes and merges everything into the deepest level (every shadowed version and
/// collectable tombstone gone); <c>emergency</c> is all-levels on every core without the throughput cap.
/// Each waits for the work unless <c>?wait=false</c> (see <see cref="AdminRun"/>), then resamples the disk
/// so a throttle or circuit breaker freed by the compaction disengages at once.
/// </summary>
public static class CompactionEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        MapRun(api, "trigger", static (e, ct) => e.Compaction.TriggerAsync(ct));
        MapRun(api, "trigger-all-levels", static (e, ct) => e.Compaction.TriggerAllLevelsAsync(ct));
        MapRun(api, "compact-all", static (e, ct) => e.Compaction.CompactAllAsync(ct));
        MapRun(api, "emergency", static (e, ct) => e.Compaction.EmergencyAsync(ct));
        api.MapGet("/compaction/status", (LsmEngine engine, AdminOperations operations) => Results.Ok(Status(engine.Compaction.GetStatus(), operations)));
    }

    private static void MapRun(IEndpointRouteBuilder api, string name, Func<LsmEngine, CancellationToken, Task<CompactionResult>> run) =>
        api.MapPost("/compaction/" + name, (HttpRequest request, LsmEngine engine, DiskManager disk, AdminOperations operations) =>
            AdminRun.ExecuteAsync(request, operations, "compaction/" + name, async ct =>
            {
                var before = disk.Status.Usage.UsagePercent;
                var result = await run(engine, ct).ConfigureAwait(false);
                var after = disk.Sample();
                return Describe(result, before, after);
            }));

    private static object Describe(CompactionResult result, double diskBefore, DiskStatus diskAfter)
    {
        var jobs = new List<object>(result.Jobs.Count);
        foreach (var job in result.Jobs)
        {
            jobs.Add(new
            {
                level = job.Level,
                input_tables = job.InputTables,
                output_tables = job.OutputTables,
                bytes_in = job.BytesIn,
                bytes_out = job.BytesOut,
                bytes_reclaimed = job.BytesReclaimed,
                duration_ms = Math.Round(job.Duration.TotalMilliseconds, 1),
            });
        }

        return new
        {
            jobs_completed = result.Jobs.Count,
            bytes_in = result.BytesIn,
            bytes_out = result.BytesOut,
            bytes_reclaimed = result.BytesReclaimed,
            jobs,
            disk_usage_percent_before = Math.Round(diskBefore, 2),
            disk_usage_percent_after = Math.Round(diskAfter.Usage.UsagePercent, 2),
            disk_status = diskAfter.StatusText,
        };
    }

    private static object Status(CompactionStatus status, AdminOperations operations)
    {
        var running = new List<object>(status.RunningJobs.Count);
        foreach (var job in status.RunningJobs)
        {
            running.Add(new
            {
                level = job.Level,
                reason = job.Reason,
                input_tables = job.InputTables,
                input_bytes = job.InputBytes,
                bytes_read = job.BytesRead,
                bytes_written = job.BytesWritten,
                progress_percent = Math.Round(job.ProgressPercent, 1),
            });
        }

        var levels = new List<object>(status.Levels.Count);
        foreach (var level in status.Levels)
        {
            levels.Add(new
            {
                level = "L" + level.Level.ToString(CultureInfo.InvariantCulture),
                table_count = level.TableCount,
                bytes = level.Bytes,
                target_bytes = level.TargetBytes,
                score = Math.Round(level.Score, 3),
            });
        }

        var manual = new List<object>();
        foreach (var operation in operations.All())
        {
            if (operation.Name.StartsWith("compaction/", StringComparison.Ordinal))
            {
                manual.Add(operation.Describe());
            }
        }

        return new
        {
            running = status.Running,
            running_jobs_count = status.RunningJobs.Count,
            emergency_mode = status.EmergencyMode,
            running_jobs = running,
            levels,
            compactions_completed = status.CompactionsCompleted,
            compactions_failed = status.CompactionsFailed,
            bytes_in = status.BytesIn,
            bytes_out = status.BytesOut,
            bytes_reclaimed = status.BytesReclaimed,
            throughput_cap_bytes_per_second = status.ThroughputCapBytesPerSecond,
            manual_operations = manual,
        };
    }
}
