using PairDb.Chaos.History;

namespace PairDb.Chaos.Checking;

/// <summary>
/// Checks a chaos run's history against the cluster's final state (issue 16's rules): no invented
/// value, no lost acknowledged write, no resurrected delete, concurrent blind writes all kept, long-TTL
/// writes kept. Pure and deterministic: the same history and final state give the same verdict, with
/// anomalies in a fixed order (rule by rule, then operation index, then key).
/// </summary>
public sealed class HistoryChecker
{
    private readonly int _kept;

    /// <param name="kept">How many counter-examples the verdict keeps (every one is counted). Default 10.</param>
    public HistoryChecker(int kept = Verdict.DefaultKept)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(kept);
        _kept = kept;
    }

    public Verdict Check(History.History history, FinalState final)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(final);
        var index = new HistoryIndex(history.Operations);
        var anomalies = UnreadKeys(final)
            .Concat(ValueOriginRule.Check(index, final))
            .Concat(AcknowledgedWriteRule.Check(index, final))
            .Concat(DeleteRule.Check(index, final));
        return Verdict.Of(anomalies, Summarize(index, final), _kept);
    }

    private static IEnumerable<Anomaly> UnreadKeys(FinalState final) =>
        final.UnreadKeys.Order(StringComparer.Ordinal).Select(key => Anomaly.Of(AnomalyKinds.UnreadableFinalState, key,
            $"the final read of {key} at ALL never succeeded, so its writes cannot be checked"));

    private static CheckSummary Summarize(HistoryIndex index, FinalState final)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in index.Operations)
        {
            var name = $"{operation.Kind.ToString().ToLowerInvariant()}/{operation.Outcome.ToString().ToLowerInvariant()}";
            counts[name] = counts.GetValueOrDefault(name) + 1;
            keys.Add(operation.Key);
        }
        return new CheckSummary(index.Operations.Count, counts, keys.Count, final.ValuesByKey.Values.Sum(values => values.Count));
    }
}
