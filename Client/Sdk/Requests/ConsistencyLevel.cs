namespace PairDb.Client;

/// <summary>How many of a key's N replicas must answer (DESIGN.md section 4).</summary>
public enum ConsistencyLevel
{
    /// <summary>A majority of the replicas (W = R = 2 of N = 3).</summary>
    Quorum = 0,

    /// <summary>One replica: fastest, may read stale data.</summary>
    One = 1,

    /// <summary>Every replica: fails with QUORUM_NOT_MET when one is down.</summary>
    All = 2,
}
