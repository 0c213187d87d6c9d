using PairDb.Contracts.Errors;
using PairDb.Engine;
using PairDb.StorageNode.Disk;
using PairDb.StorageNode.Hosting;

namespace PairDb.StorageNode.Rpc;

/// <summary>Whether the node takes a write now: maintenance mode first, then a read-only engine, then the disk manager.</summary>
public sealed class WriteAdmission(NodeMode mode, DiskManager disk, LsmEngine engine)
{
    /// <summary>
    /// The refusal for a write arriving while the engine is read-only: DISK_FULL when the disk filled up (retrying
    /// this node is pointless until an operator or the recovery frees room), NODE_NOT_READY for any other I/O error.
    /// </summary>
    public static (ErrorCode Code, string Message) ReadOnly(EngineWriteFailure failure) =>
        (failure.DiskFull ? ErrorCode.DiskFull : ErrorCode.NodeNotReady,
            $"storage engine is read-only since {failure.Since:O}: {failure}; writes are refused until it recovers, reads are served");

    /// <summary>Null when admitted, else the error (and its message) to answer with.</summary>
    public (ErrorCode Code, string Message)? Check(long payloadBytes)
    {
        if (mode.InMaintenance)
        {
            return (ErrorCode.NodeNotReady, "node is in maintenance mode: writes are rejected, reads are served");
        }

        if (engine.WriteFailure is { } failure)
        {
            return ReadOnly(failure);
        }

        return disk.CheckWrite(payloadBytes) switch
        {
            ErrorCode.DiskFull => (ErrorCode.DiskFull, "disk circuit breaker engaged: every write is rejected"),
            ErrorCode.DiskThrottled => (ErrorCode.DiskThrottled, "disk throttled: writes above the throttle size limit are rejected"),
            _ => null,
        };
    }
}
