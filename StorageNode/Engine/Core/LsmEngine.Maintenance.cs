using PairDb.Engine.Diagnostics;

namespace PairDb.Engine;

public sealed partial class LsmEngine
{
    /// <summary>Segments whose every record is in a durable table (the runbook's <c>commitlog/cleanable-segments</c>).</summary>
    public IReadOnlyList<CommitLogSegmentInfo> ListCleanableSegments()
    {
        ThrowIfDisposed();
        return _segments.ListCleanable(FlushedSequence);
    }

    /// <summary>Deletes the cleanable segments; returns how many were deleted (the runbook's <c>commitlog/cleanup</c>).</summary>
    public int DeleteCleanableSegments()
    {
        ThrowIfDisposed();
        var deleted = 0;
        foreach (var segment in _segments.ListCleanable(FlushedSequence))
        {
            _fileSystem.Delete(segment.FilePath);
            _segments.Remove(segment.SegmentId);
            Interlocked.Increment(ref _counters.CommitLogSegmentsDeleted);
            EngineLog.SegmentDeleted(_logger, segment.FilePath);
            deleted++;
        }

        if (deleted > 0)
        {
            _fileSystem.SyncDirectory(Path.Combine(_options.DataDirectory, CommitLog.CommitLogPaths.DirectoryName));
        }

        return deleted;
    }

    public EngineStatistics GetStatistics()
    {
        var version = AcquireVersion();
        try
        {
            var counts = new int[version.Levels.Length];
            long bytes = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] = version.Levels[i].Length;
                foreach (var table in version.Levels[i])
                {
                    bytes += table.FileSize;
                }
            }

            var c = _counters;
            return new EngineStatistics
            {
                ChecksumFailuresTotal = Interlocked.Read(ref c.ChecksumFailuresTotal),
                CorruptedEntriesTotal = Interlocked.Read(ref c.CorruptedEntriesTotal),
                FlushesTotal = Interlocked.Read(ref c.FlushesTotal),
                FlushedBytesTotal = Interlocked.Read(ref c.FlushedBytesTotal),
                FlushFailuresTotal = Interlocked.Read(ref c.FlushFailuresTotal),
                WriteStallsTotal = Interlocked.Read(ref c.WriteStallsTotal),
                WriteStallDuration = TimeSpan.FromMicroseconds(Interlocked.Read(ref c.WriteStallMicroseconds)),
                CommitLogSyncsTotal = Interlocked.Read(ref c.CommitLogSyncsTotal),
                CommitLogBytesWritten = Interlocked.Read(ref c.CommitLogBytesWritten),
                CommitLogRecordsReplayed = Interlocked.Read(ref c.CommitLogRecordsReplayed),
                CommitLogCorruptRecordsSkipped = Interlocked.Read(ref c.CommitLogCorruptRecordsSkipped),
                CommitLogTornTailsTruncated = Interlocked.Read(ref c.CommitLogTornTailsTruncated),
                CommitLogSegmentsDeleted = Interlocked.Read(ref c.CommitLogSegmentsDeleted),
                CommitLogSegmentsActive = _segments.Count,
                OrphanFilesDeleted = Interlocked.Read(ref c.OrphanFilesDeleted),
                MemtableSizeBytes = version.Active.ApproximateBytes,
                MemtableEntryCount = version.Active.Count,
                ImmutableMemtableCount = version.Immutables.Length,
                SSTableCountByLevel = counts,
                SSTableBytesTotal = bytes,
                CompactionRunning = RunningJobsSnapshot().Count,
                CompactionsTotal = Interlocked.Read(ref c.CompactionsTotal),
                CompactionBytesReclaimed = Interlocked.Read(ref c.CompactionBytesReclaimed),
                CompactionBytesWritten = Interlocked.Read(ref c.CompactionBytesWritten),
                LastSequence = Volatile.Read(ref _visibleSequence),
                FlushedSequence = FlushedSequence,
            };
        }
        finally
        {
            version.Release();
        }
    }

    private long FlushedSequence
    {
        get
        {
            lock (_manifestLock)
            {
                return _manifest.FlushedSequence;
            }
        }
    }
}
