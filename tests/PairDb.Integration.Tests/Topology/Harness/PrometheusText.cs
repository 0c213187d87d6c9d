using System.Globalization;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>Reads values out of a Prometheus text exposition (what /metrics serves).</summary>
internal static class PrometheusText
{
    /// <summary>
    /// The sum of every sample of <paramref name="name"/> (all label sets); 0 when the metric is absent.
    /// Exporters may add a unit or <c>_total</c> suffix; only the exact name and name + "_total" count.
    /// </summary>
    public static double Sum(string exposition, string name)
    {
        double sum = 0;
        foreach (var raw in exposition.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var nameEnd = line.IndexOfAny(['{', ' ']);
            if (nameEnd <= 0)
            {
                continue;
            }
            var metric = line[..nameEnd];
            if (metric != name && metric != name + "_total")
            {
                continue;
            }
            var rest = line[nameEnd..];
            if (rest.StartsWith('{'))
            {
                rest = rest[(rest.IndexOf('}', StringComparison.Ordinal) + 1)..];
            }
            var fields = rest.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                sum += value;
            }
        }
        return sum;
    }
}
