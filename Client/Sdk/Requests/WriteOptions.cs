namespace PairDb.Client;

/// <summary>Per-call write settings (puts and deletes); unset ones take the client's defaults.</summary>
public sealed record WriteOptions
{
    /// <summary>Consistency of this write; null = <see cref="PairDbClientOptions.DefaultConsistency"/>.</summary>
    public ConsistencyLevel? Consistency { get; init; }

    /// <summary>Explicit write quorum (1..N); overrides <see cref="Consistency"/> when set.</summary>
    public uint? W { get; init; }

    /// <summary>Time to live of a put, whole seconds (1..uint.MaxValue); null = never expires. Ignored by deletes.</summary>
    public TimeSpan? Ttl { get; init; }
}
