using PairDb.Bench.Load;

namespace PairDb.Bench.Cluster;

/// <summary>One worker's latencies and error counts per operation type (merged after the phase).</summary>
public sealed class OperationStats
{
    public LatencyHistogram Reads { get; } = new();

    public LatencyHistogram Updates { get; } = new();

    public long ReadErrors { get; set; }

    public long UpdateErrors { get; set; }

    /// <summary>Reads of a key that had no value (KEY_NOT_FOUND): a correctness signal after the load phase.</summary>
    public long NotFound { get; set; }

    public string? FirstError { get; set; }

    public void Add(OperationStats other)
    {
        Reads.Add(other.Reads);
        Updates.Add(other.Updates);
        ReadErrors += other.ReadErrors;
        UpdateErrors += other.UpdateErrors;
        NotFound += other.NotFound;
        FirstError ??= other.FirstError;
    }
}
