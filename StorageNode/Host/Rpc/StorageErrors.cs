using PairDb.Contracts.Errors;
using PairDb.Engine;

namespace PairDb.StorageNode.Rpc;

/// <summary>The wire error (code and message) for an exception raised while serving a request.</summary>
public static class StorageErrors
{
    public static (ErrorCode Code, string Message) ToWire(Exception exception) => exception switch
    {
        PairDbException e => (e.Code, e.Message),
        ChecksumMismatchException e => (ErrorCode.ChecksumFailed, $"stored data failed its checksum in {Path.GetFileName(e.FilePath)}; read another replica"),
        // Refused before anything was applied: a refusal code, which coordinators read as "nothing written".
        EngineReadOnlyException e => WriteAdmission.ReadOnly(e.Failure),
        // INTERNAL, not NODE_NOT_READY or DISK_FULL: the write was applied in memory and its log record may or may
        // not have reached the disk, and the resume flushes the memtables to tables, so it may well survive.
        // Coordinators (ReplicaFailure.From) read every pairdb code but INTERNAL as "refused, nothing written";
        // answering a refusal code here would let a coordinator tell its client QUORUM_NOT_MET ("nothing was
        // written") for a write that later shows up. INTERNAL is the code they treat as "maybe applied".
        WriteOutcomeUnknownException e => (ErrorCode.Internal, $"write outcome unknown (maybe applied): {e.Failure}"),
        EngineClosedException or ObjectDisposedException => (ErrorCode.NodeNotReady, "the storage engine is closed (shutting down or after a commit-log failure)"),
        _ => (ErrorCode.Internal, "internal error"),
    };
}
