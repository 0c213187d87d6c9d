using System.Globalization;

namespace PairDb.Bench.Engine.Mixed;

/// <summary>One row per engine, then the closing ratio line <c>ratio pairdb/rocksdb write_amp=X read_p99=Y space_amp=Z</c>.</summary>
public sealed class MixedReport(TextWriter output)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public void WriteHeader(int keys, int ops)
    {
        output.WriteLine();
        output.WriteLine($"mixed phase: {keys} random puts (overwrites included), then {ops} ops 50/50 read/update, Zipfian(0.99), compaction running");
        output.WriteLine(string.Format(Invariant, "{0,-9} {1,11} {2,11} {3,11} {4,11} {5,12} {6,9} {7,9} {8,9}  {9}",
            "engine", "load ops/s", "mixed ops/s", "read p50 µs", "read p99 µs", "update p99 µs", "write amp", "space amp", "cache hit", "note"));
        output.Flush();
    }

    public void WriteRow(MixedResult r)
    {
        if (r.Error is not null && double.IsNaN(r.MixedOpsPerSecond))
        {
            output.WriteLine($"{r.Family,-9} FAILED: {r.Error}");
            output.Flush();
            return;
        }

        output.WriteLine(string.Format(Invariant, "{0,-9} {1,11:N0} {2,11:N0} {3,11:F1} {4,11:F1} {5,12:F1} {6,9:F2} {7,9:F2} {8,9:P1}  {9}",
            r.Family, r.LoadOpsPerSecond, r.MixedOpsPerSecond, r.ReadP50Micros, r.ReadP99Micros, r.UpdateP99Micros,
            r.WriteAmplification, r.SpaceAmplification, r.CacheHitRate,
            $"written={r.BytesWritten >> 20}MiB put={r.BytesPut >> 20}MiB dir={r.DirectoryBytes >> 20}MiB live={r.LiveBytes >> 20}MiB {r.Error}".TrimEnd()));
        if (r.Detail is not null)
        {
            output.WriteLine($"  {r.Family}: {r.Detail}");
        }

        output.Flush();
    }

    public void WriteRatio(MixedResult? pairdb, MixedResult? rocksdb)
    {
        output.WriteLine(
            $"ratio pairdb/rocksdb write_amp={Ratio(pairdb, rocksdb, static r => r.WriteAmplification)} " +
            $"read_p99={Ratio(pairdb, rocksdb, static r => r.ReadP99Micros)} space_amp={Ratio(pairdb, rocksdb, static r => r.SpaceAmplification)}");
        output.Flush();
    }

    private static string Ratio(MixedResult? ours, MixedResult? theirs, Func<MixedResult, double> figure)
    {
        if (ours is null || theirs is null)
        {
            return "n/a";
        }

        var a = figure(ours);
        var b = figure(theirs);
        return double.IsNaN(a) || double.IsNaN(b) || b <= 0 ? "n/a" : (a / b).ToString("F2", Invariant);
    }
}
