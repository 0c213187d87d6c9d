namespace PairDb.Chaos.Checking;

/// <summary>
/// One counter-example: what kind of rule it breaks, where, which values and operations show it, and
/// a one-line explanation a reader can check against the history.
/// </summary>
/// <param name="Kind">One of <see cref="AnomalyKinds"/> (or a runner's own kind).</param>
/// <param name="Key">The key concerned; null when it concerns no single key.</param>
/// <param name="Values">The values concerned.</param>
/// <param name="Operations">Indexes of the operations that show it (see <see cref="History.Operation.Index"/>).</param>
/// <param name="TimesMs">The times that matter, milliseconds since the run started (described in the explanation).</param>
/// <param name="Explanation">One line.</param>
public sealed record Anomaly(
    string Kind,
    string? Key,
    IReadOnlyList<string> Values,
    IReadOnlyList<int> Operations,
    IReadOnlyList<long> TimesMs,
    string Explanation)
{
    /// <summary>An anomaly found outside the history (replica digests, hints), with no operations.</summary>
    public static Anomaly Of(string kind, string? key, string explanation, params string[] values) =>
        new(kind, key, values, [], [], explanation);

    public override string ToString() => $"{Kind}{(Key is null ? "" : " " + Key)}: {Explanation}";
}
