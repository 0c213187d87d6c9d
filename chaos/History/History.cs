namespace PairDb.Chaos.History;

/// <summary>
/// The recorded operations of one chaos run, in completion order. Appending is thread-safe (every
/// workload client appends as its calls complete); <see cref="Operations"/> is a snapshot.
/// </summary>
public sealed class History
{
    private readonly Lock _gate = new();
    private readonly List<Operation> _operations;

    public History(string tenant, int seed, DateTimeOffset startedAt)
        : this(tenant, seed, startedAt, [])
    {
    }

    /// <summary>A history of existing operations (tests, a saved file); their indexes must be 0..n-1 in order.</summary>
    public History(string tenant, int seed, DateTimeOffset startedAt, IEnumerable<Operation> operations)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        Tenant = tenant;
        Seed = seed;
        StartedAt = startedAt;
        _operations = [.. operations];
        for (var i = 0; i < _operations.Count; i++)
        {
            if (_operations[i].Index != i)
            {
                throw new ArgumentException($"operation at position {i} has index {_operations[i].Index}; indexes must be 0..n-1 in order", nameof(operations));
            }
        }
    }

    /// <summary>The tenant the workload wrote as.</summary>
    public string Tenant { get; }

    /// <summary>The workload's seed (the op mix, keys and consistencies it chose).</summary>
    public int Seed { get; }

    /// <summary>Wall-clock time of the run's start; operation times are milliseconds after it.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>A snapshot of the operations recorded so far.</summary>
    public IReadOnlyList<Operation> Operations
    {
        get
        {
            lock (_gate)
            {
                return [.. _operations];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _operations.Count;
            }
        }
    }

    /// <summary>Appends <paramref name="operation"/> with the next index and returns it as stored.</summary>
    public Operation Append(Operation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        lock (_gate)
        {
            var stored = operation with { Index = _operations.Count };
            _operations.Add(stored);
            return stored;
        }
    }

    /// <summary>The history as JSON (<see cref="HistoryJson"/>).</summary>
    public string ToJson() => HistoryJson.Serialize(this);

    public static History FromJson(string json) => HistoryJson.Deserialize(json);
}
