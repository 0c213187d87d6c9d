namespace PairDb.Client;

/// <summary>Per-call read settings; unset ones take the client's defaults.</summary>
public sealed record ReadOptions
{
    /// <summary>Consistency of this read; null = <see cref="PairDbClientOptions.DefaultConsistency"/>.</summary>
    public ConsistencyLevel? Consistency { get; init; }

    /// <summary>Explicit read quorum (1..N); overrides <see cref="Consistency"/> when set.</summary>
    public uint? R { get; init; }
}
