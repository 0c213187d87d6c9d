namespace PairDb.Bench.Load;

/// <summary>What one phase measured; latency is per call (a batch call counts once).</summary>
public sealed class PhaseFigures
{
    public required string Name { get; init; }

    public required string Kind { get; init; }

    public required int ItemsPerCall { get; init; }

    public required long Calls { get; init; }

    public required long FailedCalls { get; init; }

    public required long Items { get; init; }

    public required long FailedItems { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public required LatencyHistogram Latency { get; init; }

    public required CpuUsage Cpu { get; init; }

    public long Gen0Collections { get; init; }

    public long AllocatedBytes { get; init; }

    /// <summary>The first failure's message, to show what went wrong.</summary>
    public string? FirstError { get; init; }

    public double CallsPerSecond => Elapsed > TimeSpan.Zero ? (Calls - FailedCalls) / Elapsed.TotalSeconds : double.NaN;

    /// <summary>Items that succeeded per second.</summary>
    public double ItemsPerSecond => Elapsed > TimeSpan.Zero ? (Items - FailedItems) / Elapsed.TotalSeconds : double.NaN;

    /// <summary>Client-side managed allocation per successful item (process-wide, so the driver's own share is in it).</summary>
    public double AllocatedBytesPerItem => Items - FailedItems <= 0 ? double.NaN : (double)AllocatedBytes / (Items - FailedItems);
}
