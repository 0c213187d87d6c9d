namespace PairDb.Bench.Engine;

/// <summary>Figures of one phase on one engine; <see cref="Error"/> set when the phase threw.</summary>
public sealed record PhaseResult(string Engine, string Family, string Phase)
{
    public long Operations { get; init; }
    public TimeSpan Elapsed { get; init; }
    public double P50Micros { get; init; } = double.NaN;
    public double P99Micros { get; init; } = double.NaN;
    public double P999Micros { get; init; } = double.NaN;
    public double MaxMicros { get; init; } = double.NaN;
    public long AllocatedBytes { get; init; }
    public int Gen0 { get; init; }
    public int Gen1 { get; init; }
    public int Gen2 { get; init; }
    public string? Note { get; init; }
    public string? Error { get; init; }

    public double OpsPerSecond => Error is null && Elapsed > TimeSpan.Zero ? Operations / Elapsed.TotalSeconds : double.NaN;
    // The process-wide allocation counter has been seen to step backwards across server-GC collections; such a
    // phase reports no figure rather than a negative one.
    public double AllocatedBytesPerOp => Operations == 0 || AllocatedBytes < 0 ? double.NaN : (double)AllocatedBytes / Operations;
}
