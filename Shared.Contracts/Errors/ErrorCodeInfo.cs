using Grpc.Core;

namespace PairDb.Contracts.Errors;

/// <summary>One row of the error table.</summary>
/// <param name="Code">The numeric code.</param>
/// <param name="Name">The wire name (ErrorInfo.reason), e.g. <c>DISK_THROTTLED</c>.</param>
/// <param name="StatusCode">The gRPC status the error travels with.</param>
/// <param name="Retriable">
/// True when the same request may be sent again to the same target after a backoff
/// (runbook 4.1-4.2). DISK_FULL is not: the runbook routes it to a replica at once, no retry.
/// </param>
/// <param name="TryAnotherReplica">
/// True when a coordinator (or the runbook's client) should send the request to another replica
/// rather than give up: NODE_NOT_READY, DISK_FULL, DISK_THROTTLED (after its retries), CHECKSUM_FAILED.
/// </param>
/// <param name="Meaning">One line for humans.</param>
public sealed record ErrorCodeInfo(
    ErrorCode Code,
    string Name,
    StatusCode StatusCode,
    bool Retriable,
    bool TryAnotherReplica,
    string Meaning)
{
    /// <summary>The code as the decimal string carried in ErrorInfo metadata <c>code</c>.</summary>
    public string CodeText { get; } = ((int)Code).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
