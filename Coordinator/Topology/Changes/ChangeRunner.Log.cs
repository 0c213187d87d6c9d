namespace PairDb.Coordinator.Topology.Changes;

public sealed partial class ChangeRunner
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information,
        Message = "Topology change running change_id={ChangeId} type={Type} node_id={NodeId} phase={Phase} streams={Streams}")]
    private partial void LogRunning(string changeId, string type, string nodeId, string phase, int streams);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information,
        Message = "Topology change planned change_id={ChangeId} type={Type} node_id={NodeId} moved_ranges={Moves} streams={Streams} source_down={SourceDown}")]
    private partial void LogPlanned(string changeId, string type, string nodeId, int moves, int streams, bool sourceDown);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Topology change queued change_id={ChangeId} reason={Reason}")]
    private partial void LogQueued(string changeId, string reason);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Topology change phase change_id={ChangeId} phase={Phase}")]
    private partial void LogPhase(string changeId, string phase);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Streaming paused change_id={ChangeId} node_id={NodeId} reason={Reason}")]
    private partial void LogPaused(string changeId, string nodeId, string reason);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Information,
        Message = "Stream copied change_id={ChangeId} stream={StreamId} source={Source} target={Target} keys_copied={Keys} bytes_transferred={Bytes}")]
    private partial void LogStreamCopied(string changeId, int streamId, string source, string target, long keys, long bytes);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Information,
        Message = "Hints replayed for topology change change_id={ChangeId} gainers={Gainers} hints={Hints} duration_ms={DurationMs}")]
    private partial void LogHintsReplayed(string changeId, int gainers, long hints, double durationMs);

    [LoggerMessage(EventId = 1207, Level = LogLevel.Warning,
        Message = "Checksum mismatch, re-syncing range change_id={ChangeId} range={Range} source={Source} target={Target}")]
    private partial void LogChecksumMismatch(string changeId, string range, string source, string target);

    [LoggerMessage(EventId = 1208, Level = LogLevel.Warning,
        Message = "Ranges still differ after re-syncing; proceeding (the target holds everything the source had, plus writes the source missed) change_id={ChangeId} source={Source} target={Target} ranges={Ranges} resyncs={Resyncs}")]
    private partial void LogStillDifferent(string changeId, string source, string target, int ranges, int resyncs);

    [LoggerMessage(EventId = 1209, Level = LogLevel.Information,
        Message = "Ranges verified change_id={ChangeId} stream={StreamId} source={Source} target={Target} ranges_verified={Ranges} resyncs={Resyncs}")]
    private partial void LogRangesVerified(string changeId, int streamId, string source, string target, int ranges, int resyncs);

    [LoggerMessage(EventId = 1210, Level = LogLevel.Information,
        Message = "Topology change cut over change_id={ChangeId} type={Type} node_id={NodeId} cleanup_tasks={Tasks} cleanup_due_at={DueAt}")]
    private partial void LogCompleted(string changeId, string type, string nodeId, int tasks, DateTimeOffset? dueAt);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Error, Message = "Topology change failed change_id={ChangeId} type={Type} node_id={NodeId} error={Error}")]
    private partial void LogFailed(string changeId, string type, string nodeId, string error);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Information, Message = "Topology change run stopped change_id={ChangeId} reason={Reason}")]
    private partial void LogStopped(string changeId, string reason);

    [LoggerMessage(EventId = 1213, Level = LogLevel.Error, Message = "Could not record the failure of topology change change_id={ChangeId}")]
    private partial void LogFailWriteFailed(Exception exception, string changeId);
}
