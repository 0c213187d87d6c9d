using PairDb.Chaos.History;

namespace PairDb.Chaos.Checking;

/// <summary>
/// Lookups the rules share, built once per check: the put of every value (values are unique per run),
/// the writes whose context covered each value, and the reads of each key.
/// </summary>
internal sealed class HistoryIndex
{
    private readonly Dictionary<string, Operation> _putOf = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Key, string Value), List<Operation>> _supersededBy = [];
    private readonly Dictionary<string, List<Operation>> _readsOf = new(StringComparer.Ordinal);

    public HistoryIndex(IReadOnlyList<Operation> operations)
    {
        Operations = operations;
        foreach (var operation in operations)
        {
            // The first put of a value names it; the workload never writes a value twice.
            if (operation is { Kind: OpKind.Put, Value: { } value })
            {
                _putOf.TryAdd(value, operation);
            }

            // A write that failed definitely did not apply, so it superseded nothing.
            if (operation.MayHaveApplied && operation.WithContext)
            {
                foreach (var covered in operation.ContextValues)
                {
                    var key = (operation.Key, covered);
                    if (!_supersededBy.TryGetValue(key, out var list))
                    {
                        _supersededBy[key] = list = [];
                    }
                    list.Add(operation);
                }
            }

            if (operation is { Kind: OpKind.Read, Outcome: OpOutcome.Ok })
            {
                if (!_readsOf.TryGetValue(operation.Key, out var reads))
                {
                    _readsOf[operation.Key] = reads = [];
                }
                reads.Add(operation);
            }
        }
    }

    public IReadOnlyList<Operation> Operations { get; }

    /// <summary>The put that wrote <paramref name="value"/>, on whatever key; null when no put did.</summary>
    public Operation? PutOf(string value) => _putOf.GetValueOrDefault(value);

    /// <summary>Writes (Ok or Unknown) of <paramref name="key"/> whose context covered <paramref name="value"/>.</summary>
    public IReadOnlyList<Operation> SupersedersOf(string key, string value) =>
        _supersededBy.TryGetValue((key, value), out var list) ? list : [];

    /// <summary>The Ok reads of <paramref name="key"/>, in history order.</summary>
    public IReadOnlyList<Operation> ReadsOf(string key) =>
        _readsOf.TryGetValue(key, out var reads) ? reads : [];
}
