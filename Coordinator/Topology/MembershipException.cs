using PairDb.Contracts.Errors;

namespace PairDb.Coordinator.Topology;

/// <summary>Why a membership request was refused; the edges map it to a gRPC status and an HTTP status.</summary>
public enum MembershipFailure
{
    /// <summary>A malformed request (bad node id, host, port, virtual_nodes).</summary>
    Invalid,

    /// <summary>No node with that id.</summary>
    NotFound,

    /// <summary>The node id, or its host and port, is taken by a different registration.</summary>
    AlreadyExists,

    /// <summary>Well-formed, but the cluster's state forbids it (e.g. fewer than N nodes would remain).</summary>
    Refused,
}

/// <summary>
/// A membership request the registry refused. Always error code 1000 (INVALID_ARGUMENT, not
/// retriable as is); <see cref="Failure"/> says which kind, so grpcurl shows NotFound or
/// AlreadyExists rather than a bare InvalidArgument.
/// </summary>
public sealed class MembershipException : PairDbException
{
    public MembershipException(MembershipFailure failure, string message)
        : base(ErrorCode.InvalidArgument, message)
    {
        Failure = failure;
    }

    public MembershipFailure Failure { get; }
}
