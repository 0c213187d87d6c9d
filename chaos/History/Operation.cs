using PairDb.Client;

namespace PairDb.Chaos.History;

/// <summary>
/// One completed operation of the chaos workload. Values are unique per run (<c>c3-w1234</c>), so a
/// value names the put that wrote it.
/// </summary>
/// <param name="Index">Position in the history (completion order), from 0.</param>
/// <param name="Client">The workload client (closed loop) that ran it.</param>
/// <param name="Kind">Put, delete or read.</param>
/// <param name="Key">The key (UTF-8 text).</param>
/// <param name="Value">The value a put wrote; null for deletes and reads.</param>
/// <param name="Consistency">The consistency level the call asked for.</param>
/// <param name="WithContext">True when a put or delete carried the context of an earlier read.</param>
/// <param name="ContextValues">
/// The live sibling values of the read whose context a put or delete carried: the values it supersedes.
/// Empty for blind writes and reads.
/// </param>
/// <param name="ContextFrom">Index of the read whose context the write carried; null when none.</param>
/// <param name="TtlSeconds">The time to live a put asked for; null = never expires.</param>
/// <param name="InvokeMs">When the call was sent, milliseconds since the run started.</param>
/// <param name="CompleteMs">When its answer (or failure) arrived, milliseconds since the run started.</param>
/// <param name="Outcome">Ok, Fail (definitely not applied) or Unknown (may have applied).</param>
/// <param name="ValuesRead">The live sibling values an Ok read returned (empty when absent); null otherwise.</param>
/// <param name="Endpoint">The coordinator endpoint the call went to.</param>
/// <param name="ErrorCode">The pairdb error name of a failure (e.g. <c>TIMEOUT</c>), or the exception type.</param>
/// <param name="Error">The failure's message, for humans.</param>
public sealed record Operation(
    int Index,
    int Client,
    OpKind Kind,
    string Key,
    string? Value,
    ConsistencyLevel Consistency,
    bool WithContext,
    IReadOnlyList<string> ContextValues,
    int? ContextFrom,
    int? TtlSeconds,
    long InvokeMs,
    long CompleteMs,
    OpOutcome Outcome,
    IReadOnlyList<string>? ValuesRead,
    string? Endpoint = null,
    string? ErrorCode = null,
    string? Error = null)
{
    /// <summary>True for a put or delete that may have changed the store (Ok or Unknown).</summary>
    public bool MayHaveApplied => Kind != OpKind.Read && Outcome != OpOutcome.Fail;

    /// <summary>One line for counter-examples and logs.</summary>
    public string Describe() => Kind switch
    {
        OpKind.Put => $"#{Index} c{Client} put {Key}={Value}{(WithContext ? $" ctx[{string.Join(',', ContextValues)}]" : " blind")}{(TtlSeconds is { } ttl ? $" ttl={ttl}s" : "")} {Outcome} [{InvokeMs}..{CompleteMs} ms]",
        OpKind.Delete => $"#{Index} c{Client} delete {Key} ctx[{string.Join(',', ContextValues)}] {Outcome} [{InvokeMs}..{CompleteMs} ms]",
        _ => $"#{Index} c{Client} read {Key} at {Consistency} -> {(ValuesRead is null ? "-" : "[" + string.Join(',', ValuesRead) + "]")} {Outcome} [{InvokeMs}..{CompleteMs} ms]",
    };
}
