using Microsoft.Extensions.Logging;

namespace PairDb.StorageNode.Streaming;

internal static partial class StreamingLog
{
    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Streaming pull started stream_id={StreamId} source={Source} ranges={Ranges} resume_after={ResumeAfter}")]
    public static partial void PullStarted(ILogger logger, string streamId, string source, int ranges, string resumeAfter);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Streaming pull finished stream_id={StreamId} source={Source} keys={Keys} bytes={Bytes} duration={DurationSeconds}s throughput={Mbps}MB/s")]
    public static partial void PullFinished(ILogger logger, string streamId, string source, ulong keys, ulong bytes, string durationSeconds, string mbps);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Streaming pull stopped stream_id={StreamId} source={Source} keys={Keys} last_key={LastKey} error=\"{Error}\"")]
    public static partial void PullFailed(ILogger logger, string streamId, string source, ulong keys, string lastKey, string error);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Information, Message = "Ranges dropped ranges={Ranges} keys_dropped={Keys} bytes_reclaimed={Bytes}")]
    public static partial void RangesDropped(ILogger logger, int ranges, long keys, long bytes);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Warning, Message = "All data cleared keys_dropped={Keys} bytes_reclaimed={Bytes}")]
    public static partial void AllCleared(ILogger logger, long keys, long bytes);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Information, Message = "Range coverage checked source={Source} ranges={Ranges} keys_checked={Checked} keys_missing={Missing} keys_behind={Behind}")]
    public static partial void CoverageChecked(ILogger logger, string source, int ranges, ulong @checked, ulong missing, ulong behind);
}
