using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PairDb.Engine;
using PairDb.StorageNode.Disk;

namespace PairDb.StorageNode.Admin;

/// <summary>
/// Runbook 1.2: commit-log segments whose every record is in a durable SSTable can be deleted.
/// <c>cleanup</c> deletes those; <c>force-cleanup</c> first flushes the memtable so that every
/// segment but the active one becomes eligible. Both resample the disk at once, so a throttle or
/// circuit breaker freed by the cleanup disengages without waiting for the next sample.
/// </summary>
public static class CommitLogEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/commitlog/cleanable-segments", (LsmEngine engine) =>
        {
            var segments = engine.ListCleanableSegments();
            long bytes = 0;
            var list = new List<object>(segments.Count);
            foreach (var segment in segments)
            {
                bytes += segment.SizeBytes;
                list.Add(new
                {
                    segment_id = segment.SegmentId,
                    file = segment.FilePath,
                    size_bytes = segment.SizeBytes,
                    first_sequence = segment.FirstSequence,
                    last_sequence = segment.LastSequence,
                });
            }

            return Results.Ok(new { count = segments.Count, total_bytes = bytes, segments = list });
        });
        api.MapPost("/commitlog/cleanup", (LsmEngine engine, DiskManager disk) => Cleanup(engine, disk, flushFirst: false));
        api.MapPost("/commitlog/force-cleanup", (LsmEngine engine, DiskManager disk) => Cleanup(engine, disk, flushFirst: true));
    }

    private static IResult Cleanup(LsmEngine engine, DiskManager disk, bool flushFirst)
    {
        var before = disk.Status.Usage;
        if (flushFirst)
        {
            engine.Flush();
        }

        var bytes = 0L;
        foreach (var segment in engine.ListCleanableSegments())
        {
            bytes += segment.SizeBytes;
        }

        var deleted = engine.DeleteCleanableSegments();
        var after = disk.Sample();
        return Results.Ok(new
        {
            segments_deleted = deleted,
            bytes_freed_estimate = bytes,
            flushed = flushFirst,
            disk_usage_percent_before = Math.Round(before.UsagePercent, 2),
            disk_usage_percent_after = Math.Round(after.Usage.UsagePercent, 2),
            disk_status = after.StatusText,
        });
    }
}
