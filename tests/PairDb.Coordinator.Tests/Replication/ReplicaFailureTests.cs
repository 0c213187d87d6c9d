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

    /// <summary>
    /// A refusal for the request's own fault ends the write with that code (QuorumWriter); a code about the replica
    /// or its data sends the write on to the next replica.
    /// </summary>
    [TestCase(ErrorCode.InvalidArgument, true)]
    [TestCase(ErrorCode.KeyTooLarge, true)]
    [TestCase(ErrorCode.ValueTooLarge, true)]
    [TestCase(ErrorCode.InvalidTenantId, true)]
    [TestCase(ErrorCode.InvalidVectorClock, true)]
    [TestCase(ErrorCode.TooManySiblings, true)]
    [TestCase(ErrorCode.ObjectTooLarge, true)]
    [TestCase(ErrorCode.BatchTooLarge, true)]
    [TestCase(ErrorCode.KeyNotFound, false)]
    [TestCase(ErrorCode.ChecksumFailed, false)]
    [TestCase(ErrorCode.Internal, false)]
    [TestCase(ErrorCode.NodeNotReady, false)]
    [TestCase(ErrorCode.DiskFull, false)]
    [TestCase(ErrorCode.DiskThrottled, false)]
    [TestCase(ErrorCode.Timeout, false)]
    [TestCase(ErrorCode.Overloaded, false)]
    public void IsRequestFault_NodeAnswerOrBatchItemError_OnlyTheRequestsOwnFaults(ErrorCode code, bool expected)
    {
        var overTheWire = ReplicaFailure.From(RpcErrors.ToRpcException(code, "refused"));
        var batchItem = ReplicaFailure.From(new PairDbException(code, "refused"));

        Assert.That((overTheWire.IsRequestFault, batchItem.IsRequestFault), Is.EqualTo((expected, expected)));
    }
}
