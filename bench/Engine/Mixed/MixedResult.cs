namespace PairDb.Bench.Engine.Mixed;

/// <summary>Figures of one engine's mixed phase; <see cref="Error"/> set when it threw.</summary>
public sealed record MixedResult(string Family)
{
    public double LoadOpsPerSecond { get; init; } = double.NaN;
    public double MixedOpsPerSecond { get; init; } = double.NaN;
    public double ReadP50Micros { get; init; } = double.NaN;
    public double ReadP99Micros { get; init; } = double.NaN;
    public double UpdateP99Micros { get; init; } = double.NaN;
    public double WriteAmplification { get; init; } = double.NaN;
    public double SpaceAmplification { get; init; } = double.NaN;
    public double CacheHitRate { get; init; } = double.NaN;
    public long BytesPut { get; init; }
    public long BytesWritten { get; init; }
    public long DirectoryBytes { get; init; }
    public long LiveBytes { get; init; }
    public long ReadMisses { get; init; }
    public string? Detail { get; init; }
    public string? Error { get; init; }
}
