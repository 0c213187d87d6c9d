namespace PairDb.Chaos.Tests.Checking;

/// <summary>
/// A tiny sequential model of the store's semantics: per key a set of siblings, each a unique dot with a
/// value or a tombstone; a read returns the live values and a context naming every dot it saw; a write
/// removes the siblings its context names and adds one new sibling. That is what dotted version vectors
/// give a single, always-merged replica.
/// </summary>
internal sealed class StoreModel
{
    private readonly Dictionary<string, List<(long Dot, string? Value)>> _keys = new(StringComparer.Ordinal);
    private long _nextDot;

    public (IReadOnlyList<string> Values, IReadOnlySet<long> Context) Read(string key)
    {
        var siblings = _keys.GetValueOrDefault(key) ?? [];
        return ([.. siblings.Where(s => s.Value is not null).Select(s => s.Value!)], siblings.Select(s => s.Dot).ToHashSet());
    }

    /// <summary>Writes <paramref name="value"/> (null: a tombstone) replacing what <paramref name="context"/> saw.</summary>
    public void Write(string key, string? value, IReadOnlySet<long> context)
    {
        if (!_keys.TryGetValue(key, out var siblings))
        {
            _keys[key] = siblings = [];
        }
        siblings.RemoveAll(s => context.Contains(s.Dot));
        siblings.Add((_nextDot++, value));
    }

    public Dictionary<string, IReadOnlyList<string>> Final() =>
        _keys.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<string>)[.. pair.Value.Where(s => s.Value is not null).Select(s => s.Value!)], StringComparer.Ordinal);
}
