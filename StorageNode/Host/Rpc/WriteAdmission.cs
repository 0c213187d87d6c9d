using PairDb.Contracts.Errors;
using PairDb.StorageNode.Disk;
using PairDb.StorageNode.Hosting;

namespace PairDb.StorageNode.Rpc;

/// <summary>Whether the node takes a write now: maintenance mode first, then the disk manager.</summary>
public sealed class WriteAdmission(NodeMode mode, DiskManager disk)
{
    /// <summary>Null when admitted, else the error (and its message) to answer with.</summary>
    public (ErrorCode Code, string Message)? Check(long payloadBytes)
    {
        if (mode.InMaintenance)
        {
            return (ErrorCode.NodeNotReady, "node is in maintenance mode: writes are rejected, reads are served");
        }

        return disk.CheckWrite(payloadBytes) switch
        {
            ErrorCode.DiskFull => (ErrorCode.DiskFull, "disk circuit breaker engaged: every write is rejected"),
            ErrorCode.DiskThrottled => (ErrorCode.DiskThrottled, "disk throttled: writes above the throttle size limit are rejected"),
            _ => null,
        };
    }
}
