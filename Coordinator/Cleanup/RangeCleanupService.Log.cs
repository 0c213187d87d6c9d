namespace PairDb.Coordinator.Cleanup;

public sealed partial class RangeCleanupService
{
    [LoggerMessage(EventId = 370, Level = LogLevel.Information,
        Message = "Cleanup executed change_id={ChangeId} node_id={NodeId} ranges={Ranges} keys_dropped={KeysDropped} bytes_reclaimed={BytesReclaimed}")]
    private static partial void LogDropped(ILogger logger, string changeId, string nodeId, int ranges, ulong keysDropped, ulong bytesReclaimed);

    [LoggerMessage(EventId = 371, Level = LogLevel.Warning,
        Message = "Cleanup safety check failed, data kept change_id={ChangeId} node_id={NodeId}: {Reason}")]
    private static partial void LogSafetyCheckFailed(ILogger logger, string changeId, string nodeId, string reason);

    [LoggerMessage(EventId = 372, Level = LogLevel.Warning,
        Message = "Cleanup node unreachable, retrying later change_id={ChangeId} node_id={NodeId} address={Host}:{Port}: {Code} {Detail}")]
    private static partial void LogUnreachable(ILogger logger, string changeId, string nodeId, string host, int port, string code, string detail);

    [LoggerMessage(EventId = 373, Level = LogLevel.Warning,
        Message = "Cleanup task skipped, node gone from storage_nodes change_id={ChangeId} node_id={NodeId} attempts={Attempts}")]
    private static partial void LogSkippedGone(ILogger logger, string changeId, string nodeId, int attempts);

    [LoggerMessage(EventId = 374, Level = LogLevel.Information, Message = "Cleanup complete change_id={ChangeId} tasks={Tasks} status=cleaned_up")]
    private static partial void LogChangeCleanedUp(ILogger logger, string changeId, int tasks);

    [LoggerMessage(EventId = 377, Level = LogLevel.Warning,
        Message = "Cleanup keeps ranges the node owns again change_id={ChangeId} node_id={NodeId} ranges={Ranges}")]
    private static partial void LogOwnedAgain(ILogger logger, string changeId, string nodeId, int ranges);

    [LoggerMessage(EventId = 378, Level = LogLevel.Information,
        Message = "Cleanup state changed under this pass (another coordinator or an operator), leaving it change_id={ChangeId}")]
    private static partial void LogLostRace(ILogger logger, string changeId);

    [LoggerMessage(EventId = 379, Level = LogLevel.Error, Message = "Cleanup state unreadable change_id={ChangeId}: {Error}")]
    private static partial void LogUnreadable(ILogger logger, string changeId, string error);
}
