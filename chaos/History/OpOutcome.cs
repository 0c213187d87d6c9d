namespace PairDb.Chaos.History;

/// <summary>How an operation ended, as far as the client can know.</summary>
public enum OpOutcome
{
    /// <summary>Acknowledged: a write applied, a read returned its values.</summary>
    Ok,

    /// <summary>Definitely not applied: the service refused the request before doing anything (validation, limits, QUORUM_NOT_MET).</summary>
    Fail,

    /// <summary>May or may not have applied: timeouts, lost connections, INTERNAL, cancellation.</summary>
    Unknown,
}
