using System.Globalization;

namespace PairDb.Bench.Engine;

/// <summary>Fixed-width table rows and the two ratio lines that close the output.</summary>
public sealed class Report(TextWriter output)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public void WriteHeader()
    {
        output.WriteLine(string.Format(Invariant, "{0,-20} {1,-9} {2,9} {3,11} {4,9} {5,9} {6,9} {7,10} {8,10} {9,10}  {10}",
            "engine", "phase", "ops", "ops/s", "p50 µs", "p99 µs", "p99.9 µs", "max µs", "alloc B/op", "gc 0/1/2", "note"));
        output.Flush();
    }

    public void WriteRow(PhaseResult r)
    {
        if (r.Error is not null)
        {
            output.WriteLine(string.Format(Invariant, "{0,-20} {1,-9} FAILED: {2}", r.Engine, r.Phase, r.Error));
            output.Flush();
            return;
        }

        output.WriteLine(string.Format(Invariant,
            "{0,-20} {1,-9} {2,9} {3,11:N0} {4,9:F1} {5,9:F1} {6,9:F1} {7,10:F0} {8,10:F0} {9,10}  {10}",
            r.Engine, r.Phase, r.Operations, r.OpsPerSecond, r.P50Micros, r.P99Micros, r.P999Micros, r.MaxMicros,
            r.AllocatedBytesPerOp, $"{r.Gen0}/{r.Gen1}/{r.Gen2}", $"{r.Elapsed.TotalSeconds:F2}s {r.Note}".TrimEnd()));
        output.Flush();
    }

    /// <summary>pairdb's ops/s over the peer's best flavour in the same run; <c>n/a</c> when either side failed.</summary>
    public void WriteRatios(IReadOnlyList<PhaseResult> results)
    {
        foreach (var peer in (string[])["rocksdb", "zonetree"])
        {
            output.WriteLine($"ratio pairdb/{peer} put={Ratio(results, peer, Phases.Put)} get={Ratio(results, peer, Phases.Get)}");
        }

        output.Flush();
    }

    private static string Ratio(IReadOnlyList<PhaseResult> results, string peer, string phase)
    {
        var ours = Best(results, "pairdb", phase);
        var theirs = Best(results, peer, phase);
        return double.IsNaN(ours) || double.IsNaN(theirs) || theirs <= 0
            ? "n/a"
            : (ours / theirs).ToString("F2", Invariant);
    }

    private static double Best(IReadOnlyList<PhaseResult> results, string family, string phase)
    {
        var best = double.NaN;
        foreach (var r in results)
        {
            var ops = r.OpsPerSecond;
            if (r.Family == family && r.Phase == phase && !double.IsNaN(ops) && (double.IsNaN(best) || ops > best))
            {
                best = ops;
            }
        }

        return best;
    }
}
