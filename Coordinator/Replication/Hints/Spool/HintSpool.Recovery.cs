namespace PairDb.Coordinator.Replication.Hints.Spool;

public sealed partial class HintSpool
{
    /// <summary>
    /// Rebuilds the index from every segment in order: a hint record makes its uid live, a done mark forgets it. A
    /// segment ends at its first torn or CRC-bad record (a crash mid-append: its callers were never answered, so
    /// nothing acknowledged is lost); the file is cut there and the cut logged. New appends go to a new segment.
    /// </summary>
    private void Recover()
    {
        var paths = Directory.GetFiles(_directory, "*" + Extension);
        Array.Sort(paths, StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (!long.TryParse(Path.GetFileNameWithoutExtension(path), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var sequence))
            {
                continue;
            }
            var segment = new Segment(sequence, path);
            _segments[sequence] = segment;
            _nextSequence = Math.Max(_nextSequence, sequence + 1);
            var reader = new SpoolSegmentReader(path);
            foreach (var (offset, length, body) in reader.Records())
            {
                if (SpoolRecord.KindOf(body) == SpoolRecordKind.Hint)
                {
                    Index(SpoolRecord.UidOf(body), SpoolRecord.ParseHint(body)!.TargetNodeId, segment, offset, length);
                }
                else
                {
                    Forget(SpoolRecord.UidOf(body));
                }
            }
            var size = new FileInfo(path).Length;
            if (reader.Damage is { } damage)
            {
                LogTailCut(_logger, path, reader.ValidLength, size - reader.ValidLength, damage);
                using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
                file.SetLength(reader.ValidLength);
                file.Flush(flushToDisk: true);
                size = reader.ValidLength;
            }
            segment.Bytes = size;
            _bytes += size;
        }
        DeleteDoneSegments();
        _metrics.Level(_live.Count, _bytes);
        if (_live.Count > 0)
        {
            LogRecovered(_logger, _directory, _live.Count, _bytes);
        }
    }

    [LoggerMessage(EventId = 341, Level = LogLevel.Warning,
        Message = "Hint spool tail cut file={File} offset={Offset} bytes_dropped={Dropped} reason={Reason}: a record torn by a crash mid-append (never acknowledged)")]
    private static partial void LogTailCut(ILogger logger, string file, long offset, long dropped, string reason);

    [LoggerMessage(EventId = 342, Level = LogLevel.Information, Message = "Hint spool recovered directory={Directory} hints={Hints} bytes={Bytes}")]
    private static partial void LogRecovered(ILogger logger, string directory, long hints, long bytes);
}
