using PairDb.Client;
using PairDb.Contracts.Errors;
using PairDb.Chaos.History;

namespace PairDb.Chaos.Workload;

/// <summary>
/// Whether a failed call definitely did not apply (Fail) or may have (Unknown). The history must be
/// honest: calling a write that applied Fail makes the checker report a failed write that applied, and
/// calling Unknown what could not apply only weakens the check. So Fail is kept for what the service
/// says it refused before doing anything.
/// </summary>
internal static class OutcomeClassifier
{
    public static (OpOutcome Outcome, string Code, string Message) Classify(Exception exception, bool quorumNotMetIsDefinite)
    {
        return exception switch
        {
            // Our own deadline or the run's cancellation: the request may be on its way or applied.
            OperationCanceledException => (OpOutcome.Unknown, "CANCELLED", exception.Message),
            // The SDK's breaker refused to send it (the workload's clients never retry, so no earlier attempt exists).
            PairDbCircuitOpenException open => (OpOutcome.Fail, open.ErrorName, open.Message),
            PairDbClientException pairDb => (Of(pairDb.Code, quorumNotMetIsDefinite), pairDb.ErrorName, pairDb.Message),
            // Transport failures outside the SDK's mapping: the connection broke somewhere.
            _ => (OpOutcome.Unknown, exception.GetType().Name, exception.Message),
        };
    }

    internal static OpOutcome Of(ErrorCode code, bool quorumNotMetIsDefinite) => code switch
    {
        // The request's own fault or a limit checked before any replica is asked: nothing applied.
        ErrorCode.InvalidArgument or ErrorCode.KeyTooLarge or ErrorCode.ValueTooLarge or ErrorCode.InvalidTenantId
            or ErrorCode.InvalidVectorClock or ErrorCode.TooManySiblings or ErrorCode.ObjectTooLarge
            or ErrorCode.BatchTooLarge or ErrorCode.Unauthenticated or ErrorCode.PermissionDenied
            or ErrorCode.QuotaExceeded => OpOutcome.Fail,
        // Admission control: "nothing was done" (DESIGN.md's table).
        ErrorCode.Overloaded or ErrorCode.RateLimited => OpOutcome.Fail,
        // The coordinator answers QUORUM_NOT_MET only when no replica can have applied the write
        // (QuorumWriter's outcome contract); TIMEOUT when one may have.
        ErrorCode.QuorumNotMet => quorumNotMetIsDefinite ? OpOutcome.Fail : OpOutcome.Unknown,
        // TIMEOUT, INTERNAL, NODE_NOT_READY (also a bare Unavailable: a connection lost mid-call),
        // DISK_FULL / DISK_THROTTLED without details (a bare ResourceExhausted), CHECKSUM_FAILED: may have applied.
        _ => OpOutcome.Unknown,
    };
}
