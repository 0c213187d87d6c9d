using System.Text.Json;
using PairDb.Chaos.History;

namespace PairDb.Chaos.Checking;

/// <summary>
/// The result of checking a run: valid when no anomaly was found; the first anomalies as
/// counter-examples and the count of every kind.
/// </summary>
/// <param name="Valid">True when no anomaly of any kind was found.</param>
/// <param name="Anomalies">The first anomalies found (at most the limit the verdict was made with), in the checker's order.</param>
/// <param name="Counts">How many anomalies of each kind were found in all.</param>
/// <param name="Summary">What was checked: operations by kind and outcome, keys, final values.</param>
public sealed record Verdict(
    bool Valid,
    IReadOnlyList<Anomaly> Anomalies,
    IReadOnlyDictionary<string, int> Counts,
    CheckSummary Summary)
{
    /// <summary>How many counter-examples a verdict keeps by default.</summary>
    public const int DefaultKept = 10;

    /// <summary>The verdict of <paramref name="anomalies"/>, keeping the first <paramref name="kept"/> of them.</summary>
    public static Verdict Of(IEnumerable<Anomaly> anomalies, CheckSummary summary, int kept = DefaultKept)
    {
        ArgumentNullException.ThrowIfNull(anomalies);
        ArgumentOutOfRangeException.ThrowIfNegative(kept);
        var first = new List<Anomaly>();
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var anomaly in anomalies)
        {
            counts[anomaly.Kind] = counts.GetValueOrDefault(anomaly.Kind) + 1;
            if (first.Count < kept)
            {
                first.Add(anomaly);
            }
        }
        return new Verdict(counts.Count == 0, first, counts, summary);
    }

    /// <summary>Total anomalies of every kind.</summary>
    public int Total => Counts.Values.Sum();

    /// <summary>
    /// This verdict with more anomalies found elsewhere (the runner's replica and hint checks), counted
    /// and kept under the same limit.
    /// </summary>
    public Verdict With(IEnumerable<Anomaly> more, int kept = DefaultKept)
    {
        ArgumentNullException.ThrowIfNull(more);
        var counts = new SortedDictionary<string, int>(Counts.ToDictionary(), StringComparer.Ordinal);
        var first = Anomalies.ToList();
        foreach (var anomaly in more)
        {
            counts[anomaly.Kind] = counts.GetValueOrDefault(anomaly.Kind) + 1;
            if (first.Count < kept)
            {
                first.Add(anomaly);
            }
        }
        return this with { Valid = counts.Count == 0, Anomalies = first, Counts = counts };
    }

    public string ToJson() => JsonSerializer.Serialize(this, HistoryJson.Options);

    public static Verdict FromJson(string json) =>
        JsonSerializer.Deserialize<Verdict>(json, HistoryJson.Options) ?? throw new JsonException("the verdict document is null");
}
