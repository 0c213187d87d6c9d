using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PairDb.Engine;
using PairDb.StorageNode.Metrics;

namespace PairDb.StorageNode.Admin;

/// <summary>
/// Runbook 2.3: <c>POST /api/v1/integrity/scan-all</c> re-reads every live SSTable and verifies every block's
/// CRC, answering with the corrupt files and the offset, expected and actual CRC of each bad block (the
/// file names are what <c>recovery/restore-from-replica</c> takes). It waits for the scan unless
/// <c>?wait=false</c>, which answers 202; <c>GET /api/v1/integrity/scan-all/status</c> then shows
/// progress and, once done, the report. A scan requested while one runs joins it.
/// </summary>
public static class IntegrityScanEndpoints
{
    private const string OperationName = "integrity/scan-all";

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/integrity/scan-all", (HttpRequest request, LsmEngine engine, EngineMetrics metrics, AdminOperations operations) =>
            AdminRun.ExecuteAsync(request, operations, OperationName, async ct =>
            {
                var report = await engine.Integrity.ScanAsync(progress: null, ct).ConfigureAwait(false);
                metrics.ChecksumValidationCompleted(report.Duration);
                return Describe(report);
            }));
        api.MapGet("/integrity/scan-all/status", (LsmEngine engine, AdminOperations operations) =>
        {
            var operation = operations.Get(OperationName);
            var progress = engine.Integrity.Progress;
            return Results.Ok(new
            {
                running = operation?.IsRunning ?? false,
                progress = progress is null ? null : new
                {
                    tables_done = progress.TablesDone,
                    tables_total = progress.TablesTotal,
                    bytes_done = progress.BytesDone,
                    bytes_total = progress.BytesTotal,
                    percent = Math.Round(progress.Percent, 1),
                },
                last = operation?.Describe(),
            });
        });
    }

    private static object Describe(IntegrityReport report)
    {
        var files = new List<object>(report.CorruptFiles.Count);
        foreach (var file in report.CorruptFiles)
        {
            var blocks = new List<object>(file.Blocks.Count);
            foreach (var block in file.Blocks)
            {
                blocks.Add(new
                {
                    offset = block.Offset,
                    expected = Hex(block.Expected),
                    actual = Hex(block.Actual),
                    reason = block.Reason,
                });
            }

            files.Add(new { file = file.FilePath, file_name = file.FileName, corrupt_blocks = blocks });
        }

        return new
        {
            status = report.IsClean ? "clean" : "corrupt",
            tables_scanned = report.TablesScanned,
            blocks_scanned = report.BlocksScanned,
            bytes_scanned = report.BytesScanned,
            duration_ms = Math.Round(report.Duration.TotalMilliseconds, 1),
            corrupted_files_count = report.CorruptFiles.Count,
            corrupted_files = files,
        };
    }

    private static string Hex(uint value) => "0x" + value.ToString("X8", CultureInfo.InvariantCulture);
}
