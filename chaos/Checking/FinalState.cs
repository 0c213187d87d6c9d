namespace PairDb.Chaos.Checking;

/// <summary>
/// What the cluster holds after healing: the live sibling values of every key the workload touched,
/// read at ALL. A deleted or absent key maps to an empty list.
/// </summary>
/// <param name="ValuesByKey">Live sibling values per key (tombstones and expired values left out).</param>
/// <param name="UnreadKeys">Keys whose final read never succeeded before the timeout: nothing can be said about them.</param>
/// <param name="ReadAtMs">When the final read began, milliseconds since the run started (decides whether a TTL could have run out).</param>
public sealed record FinalState(
    IReadOnlyDictionary<string, IReadOnlyList<string>> ValuesByKey,
    IReadOnlyList<string> UnreadKeys,
    long ReadAtMs)
{
    public FinalState(IReadOnlyDictionary<string, IReadOnlyList<string>> valuesByKey)
        : this(valuesByKey, [], long.MaxValue)
    {
    }

    /// <summary>The final values of <paramref name="key"/>; empty when it was not read or holds nothing.</summary>
    public IReadOnlyList<string> ValuesOf(string key) =>
        ValuesByKey.TryGetValue(key, out var values) ? values : [];
}
