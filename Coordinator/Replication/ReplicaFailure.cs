using Grpc.Core;
using Polly.CircuitBreaker;
using Polly.Timeout;
using PairDb.Contracts.Errors;

namespace PairDb.Coordinator.Replication;

/// <summary>
/// Why one replica call failed, and whether the replica may nevertheless have applied it. A node
/// that answered with a pairdb error (DISK_FULL, DISK_THROTTLED, NODE_NOT_READY, validation) refused
/// the write before applying it; a call refused by an open breaker was never sent. Anything else
/// (timeout, connection lost mid-call, INTERNAL) leaves the outcome unknown, which decides between
/// QUORUM_NOT_MET and TIMEOUT for the client.
/// </summary>
public readonly record struct ReplicaFailure(ErrorCode Code, bool MaybeApplied, string Message)
{
    public static ReplicaFailure Skipped(string why) => new(ErrorCode.NodeNotReady, false, why);

    public static ReplicaFailure From(Exception exception)
    {
        switch (exception)
        {
            case BrokenCircuitException:
                return new ReplicaFailure(ErrorCode.NodeNotReady, false, "circuit open");
            case TimeoutRejectedException:
                return new ReplicaFailure(ErrorCode.Timeout, true, "replica timed out");
            case RpcException rpc:
                var error = RpcErrors.TryParse(rpc);
                if (error is { FromDetails: true } known && known.Code != ErrorCode.Internal)
                {
                    return new ReplicaFailure(known.Code, false, known.Message);
                }
                var code = rpc.StatusCode == StatusCode.DeadlineExceeded ? ErrorCode.Timeout : ErrorCode.NodeNotReady;
                return new ReplicaFailure(code, true, $"{rpc.StatusCode}: {rpc.Status.Detail}");
            case PairDbException pairDb:
                // INTERNAL from a node may come after a partial apply; any other code is a refusal.
                return new ReplicaFailure(pairDb.Code, pairDb.Code == ErrorCode.Internal, pairDb.Message);
            default:
                return new ReplicaFailure(ErrorCode.Internal, true, exception.Message);
        }
    }

    /// <summary>
    /// True when the replica refused the request as the request's own fault: malformed or over a limit
    /// (1000, 1002-1005, 1007-1009), nothing applied. Not KEY_NOT_FOUND or CHECKSUM_FAILED, which say
    /// something about the replica's data, not about the request.
    /// </summary>
    public bool IsRequestFault => !MaybeApplied && Code is ErrorCode.InvalidArgument or ErrorCode.KeyTooLarge
        or ErrorCode.ValueTooLarge or ErrorCode.InvalidTenantId or ErrorCode.InvalidVectorClock
        or ErrorCode.TooManySiblings or ErrorCode.ObjectTooLarge or ErrorCode.BatchTooLarge;

    /// <summary>True when the RpcException carries a pairdb ErrorInfo (the node answered, it did not fail).</summary>
    public static bool CarriesPairDbCode(RpcException exception) => RpcErrors.TryParse(exception) is { FromDetails: true };

    public override string ToString() => $"{ErrorCodes.NameOf(Code)}: {Message}";
}
