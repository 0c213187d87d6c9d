namespace PairDb.Chaos.History;

/// <summary>What an operation of the chaos workload did.</summary>
public enum OpKind
{
    /// <summary>A put: blind (no context) or read-modify-write (the context of a recorded read).</summary>
    Put,

    /// <summary>A delete with the context of a recorded read.</summary>
    Delete,

    /// <summary>A read at ONE, QUORUM or ALL.</summary>
    Read,
}
