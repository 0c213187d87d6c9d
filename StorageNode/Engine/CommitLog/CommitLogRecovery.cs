using Microsoft.Extensions.Logging;
using PairDb.Engine.Diagnostics;
using PairDb.Engine.IO;

namespace PairDb.Engine.CommitLog;

/// <summary>Receives each intact record in log order.</summary>
internal delegate void CommitLogRecordHandler(long firstSequence, ReadOnlySpan<byte> payload);

/// <summary>
/// Replays every segment in id order. Rules: an intact record is handed on; a damaged record followed by
/// an intact one is corrupt (skipped, counted, <see cref="CommitLogRecoveryResult.NeedsRepair"/>); a damaged
/// record with nothing intact after it in the newest segment is a torn tail (truncated, reported, not an error,
/// because such a record was never acknowledged in sync mode).
/// </summary>
internal sealed class CommitLogRecovery(IStorageFileSystem fileSystem, string directory, EngineCounters counters, ILogger logger)
{
    public CommitLogRecoveryResult Recover(CommitLogSegmentSet segments, CommitLogRecordHandler handler)
    {
        var files = new List<(long Id, string Path)>();
        foreach (var path in fileSystem.ListFiles(directory, "segment-*.log"))
        {
            if (CommitLogPaths.TryParseSegmentId(path, out var id))
            {
                files.Add((id, path));
            }
        }

        files.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        var result = new CommitLogRecoveryResult { MaxSegmentId = files.Count > 0 ? files[^1].Id : 0 };
        for (var i = 0; i < files.Count; i++)
        {
            ReplaySegment(files[i].Id, files[i].Path, isNewest: i == files.Count - 1, segments, handler, result);
        }

        return result;
    }

    private void ReplaySegment(long id, string path, bool isNewest, CommitLogSegmentSet segments, CommitLogRecordHandler handler, CommitLogRecoveryResult result)
    {
        var bytes = fileSystem.ReadAllBytes(path);
        if (!CommitLogSegmentHeader.TryParse(bytes, out var header) || header.SegmentId != id)
        {
            if (isNewest && bytes.AsSpan(0, Math.Min(bytes.Length, CommitLogSegmentHeader.Size)).IndexOfAnyExcept((byte)0) < 0 || isNewest && bytes.Length < CommitLogSegmentHeader.Size)
            {
                // A crash while creating the segment: its header was never synced, so no record in it was acknowledged.
                EngineLog.SegmentDiscarded(logger, path, "incomplete header");
                fileSystem.Delete(path);
                return;
            }

            EngineLog.CorruptRecordSkipped(logger, path, 0, bytes.Length, "segment header invalid");
            CountCorruption(result);
            return;
        }

        segments.Add(id, path, header.FirstSequence);
        result.Segments++;
        var lastSequence = header.FirstSequence - 1;
        var offset = (long)CommitLogSegmentHeader.Size;
        while (offset < bytes.Length)
        {
            var remaining = bytes.AsSpan((int)offset);
            var status = TryReadRecord(remaining, out var record);
            if (status == RecordStatus.Intact)
            {
                handler(record.FirstSequence, remaining.Slice(CommitLogRecordHeader.Size, (int)record.PayloadLength));
                result.Records++;
                lastSequence = Math.Max(lastSequence, record.FirstSequence);
                offset += CommitLogRecordHeader.Size + record.PayloadLength;
                continue;
            }

            var firstNonZero = remaining.IndexOfAnyExcept((byte)0);
            if (firstNonZero < 0)
            {
                return; // preallocated, never-written space: the clean end of the segment
            }

            var next = FindNextIntactRecord(bytes, offset + Math.Max(1, firstNonZero), lastSequence);
            if (next >= 0)
            {
                EngineLog.CorruptRecordSkipped(logger, path, offset, next - offset, status == RecordStatus.BadChecksum ? "checksum mismatch" : "bad header");
                CountCorruption(result);
                offset = next;
                continue;
            }

            if (isNewest)
            {
                EngineLog.TornTailTruncated(logger, path, offset, bytes.Length - offset);
                Interlocked.Increment(ref counters.CommitLogTornTailsTruncated);
                result.TornTailFile = path;
                result.TornTailOffset = offset;
                using var file = fileSystem.OpenExisting(path);
                file.SetLength(offset);
                file.Sync();
            }
            else
            {
                EngineLog.CorruptRecordSkipped(logger, path, offset, bytes.Length - offset, "damaged tail of a sealed segment");
                CountCorruption(result);
            }

            return;
        }
    }

    private void CountCorruption(CommitLogRecoveryResult result)
    {
        result.NeedsRepair = true;
        result.CorruptRecords++;
        Interlocked.Increment(ref counters.CommitLogCorruptRecordsSkipped);
        Interlocked.Increment(ref counters.CorruptedEntriesTotal);
        Interlocked.Increment(ref counters.ChecksumFailuresTotal);
    }

    private static RecordStatus TryReadRecord(ReadOnlySpan<byte> remaining, out CommitLogRecordHeader header)
    {
        header = default;
        if (remaining.Length < CommitLogRecordHeader.Size)
        {
            return RecordStatus.BadHeader;
        }

        header = CommitLogRecordHeader.Parse(remaining);
        if (header.IsZero || header.PayloadLength > remaining.Length - CommitLogRecordHeader.Size)
        {
            return RecordStatus.BadHeader;
        }

        var actual = CommitLogRecordHeader.ComputeCrc(remaining[..(CommitLogRecordHeader.Size + (int)header.PayloadLength)]);
        return actual == header.Crc ? RecordStatus.Intact : RecordStatus.BadChecksum;
    }

    /// <summary>Scans byte by byte for a record that is intact and plausibly newer than the last good one.</summary>
    private static long FindNextIntactRecord(byte[] bytes, long from, long lastSequence)
    {
        const long PlausibleSequenceGap = 1L << 32;
        for (var p = from; p + CommitLogRecordHeader.Size <= bytes.Length; p++)
        {
            var span = bytes.AsSpan((int)p);
            var header = CommitLogRecordHeader.Parse(span);
            if (header.FirstSequence <= lastSequence || header.FirstSequence - lastSequence > PlausibleSequenceGap)
            {
                continue;
            }

            if (TryReadRecord(span, out _) == RecordStatus.Intact)
            {
                return p;
            }
        }

        return -1;
    }

    private enum RecordStatus
    {
        Intact,
        BadHeader,
        BadChecksum,
    }
}

internal sealed class CommitLogRecoveryResult
{
    public long MaxSegmentId { get; set; }

    public int Segments { get; set; }

    public long Records { get; set; }

    public long CorruptRecords { get; set; }

    public bool NeedsRepair { get; set; }

    public string? TornTailFile { get; set; }

    public long TornTailOffset { get; set; }
}
