using System.Globalization;

namespace PairDb.Integration.Tests.Outage.Harness;

/// <summary>What the client saw in one phase of an outage test: acknowledged puts, failures by error code, latency.</summary>
internal sealed record PhaseFigures(string Name, int Acknowledged, IReadOnlyDictionary<string, int> Failures, double P50Ms, double P99Ms, double MaxMs)
{
    public int Failed => Failures.Values.Sum();

    public override string ToString()
    {
        var failures = Failures.Count == 0 ? "" : $" ({string.Join(", ", Failures.Select(f => $"{f.Key}: {f.Value}"))})";
        return string.Create(CultureInfo.InvariantCulture,
            $"{Name}: {Acknowledged} puts acknowledged, {Failed} failed{failures}, p50 {P50Ms:0.0} ms, p99 {P99Ms:0.0} ms, max {MaxMs:0.0} ms");
    }

    public static double Percentile(List<double> sortedMs, double percentile) =>
        sortedMs.Count == 0 ? 0 : sortedMs[Math.Min(sortedMs.Count - 1, (int)Math.Ceiling(percentile / 100 * sortedMs.Count) - 1)];
}
