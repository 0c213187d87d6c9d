using System.Globalization;
using PairDb.Bench.Load;

namespace PairDb.Bench.Node;

/// <summary>
/// Compares the single-operation phases with the runbook's healthy node (section 6.1: write_qps 5,000,
/// read_qps 15,000, p99 write 8.5 ms, read 3.2 ms) and with issue 5's target for this 2-core machine
/// (at least 20,000 single writes/s and 25,000 reads/s, p99 under the runbook's figures).
/// </summary>
public static class NodeVerdict
{
    public const double RunbookWriteQps = 5_000;
    public const double RunbookReadQps = 15_000;
    public const double RunbookP99WriteMs = 8.5;
    public const double RunbookP99ReadMs = 3.2;
    public const double TargetWriteOps = 20_000;
    public const double TargetReadOps = 25_000;

    /// <summary>Writes the comparison lines; returns whether the target was met.</summary>
    public static bool Write(TextWriter output, PhaseFigures writes, PhaseFigures reads, string durability)
    {
        var writeOps = writes.ItemsPerSecond;
        var readOps = reads.ItemsPerSecond;
        var p99Write = writes.Latency.PercentileMs(99);
        var p99Read = reads.Latency.PercentileMs(99);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"runbook write_qps={writeOps:F0} ({writeOps / RunbookWriteQps:F1}x of 5000) read_qps={readOps:F0} ({readOps / RunbookReadQps:F1}x of 15000) " +
            $"p99_write_ms={p99Write:F2} (<= 8.5 {Mark(p99Write <= RunbookP99WriteMs)}) p99_read_ms={p99Read:F2} (<= 3.2 {Mark(p99Read <= RunbookP99ReadMs)})"));
        var met = writeOps >= TargetWriteOps && readOps >= TargetReadOps && p99Write < RunbookP99WriteMs && p99Read < RunbookP99ReadMs
            && writes.FailedItems == 0 && reads.FailedItems == 0;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"target single_write_ops={writeOps:F0} (>= 20000 {Mark(writeOps >= TargetWriteOps)}) read_ops={readOps:F0} (>= 25000 {Mark(readOps >= TargetReadOps)}) " +
            $"p99_write_ms={p99Write:F2} (< 8.5) p99_read_ms={p99Read:F2} (< 3.2) durability={durability}: {(met ? "met" : "MISSED")}"));
        return met;
    }

    private static string Mark(bool ok) => ok ? "ok" : "no";

}
