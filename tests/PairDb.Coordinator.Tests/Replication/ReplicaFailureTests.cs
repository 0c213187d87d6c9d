using PairDb.Contracts.Errors;
using PairDb.Coordinator.Replication;

namespace PairDb.Coordinator.Tests.Replication;

/// <summary>
/// The storage node's side of the contract (StorageErrors.ToWire): a read-only node refuses with DISK_FULL or
/// NODE_NOT_READY before applying anything; a write caught in its commit-log failure comes back INTERNAL. The
/// coordinator must read the first as "nothing written" and the second as "maybe applied".
/// </summary>
public sealed class ReplicaFailureTests
{
    [TestCase(ErrorCode.DiskFull, false)]
    [TestCase(ErrorCode.NodeNotReady, false)]
    [TestCase(ErrorCode.Internal, true)]
    public void From_ReadOnlyNodeAnswers_RefusalsNothingWrittenOutcomeUnknownMaybeApplied(ErrorCode code, bool maybeApplied)
    {
        var failure = ReplicaFailure.From(RpcErrors.ToRpcException(code, "storage engine is read-only ... / write outcome unknown (maybe applied) ..."));

        Assert.That(failure.MaybeApplied, Is.EqualTo(maybeApplied), failure.ToString());
    }

    [TestCase(ErrorCode.TooManySiblings, true)]
    [TestCase(ErrorCode.ObjectTooLarge, true)]
    [TestCase(ErrorCode.DiskFull, false)]
    [TestCase(ErrorCode.NodeNotReady, false)]
    [TestCase(ErrorCode.Internal, false)]
    public void RefusesTheWrite_LimitCodes_EndCoordinationOthersTryTheNextReplica(ErrorCode code, bool refuses)
    {
        var failure = ReplicaFailure.From(RpcErrors.ToRpcException(code, "refused"));

        Assert.That(failure.RefusesTheWrite, Is.EqualTo(refuses), failure.ToString());
    }
}
