namespace PairDb.Engine.Diagnostics;

/// <summary>Live counters, bumped with Interlocked on the paths that own them; read into <see cref="EngineStatistics"/>.</summary>
internal sealed class EngineCounters
{
    public long ChecksumFailuresTotal;
    public long CorruptedEntriesTotal;
    public long FlushesTotal;
    public long FlushedBytesTotal;
    public long FlushFailuresTotal;
    public long WriteStallsTotal;
    public long WriteStallMicroseconds;
    public long CommitLogSyncsTotal;
    public long CommitLogBytesWritten;
    public long CommitLogRecordsReplayed;
    public long CommitLogCorruptRecordsSkipped;
    public long CommitLogTornTailsTruncated;
    public long CommitLogSegmentsDeleted;
    public long OrphanFilesDeleted;
    public long CompactionsTotal;
    public long CompactionFailuresTotal;
    public long CompactionBytesRead;
    public long CompactionBytesWritten;
    public long CompactionBytesReclaimed;
}
