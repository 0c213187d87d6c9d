namespace PairDb.Engine;

/// <summary>A point-in-time copy of the engine's counters and gauges (runbook names in comments).</summary>
public sealed record EngineStatistics
{
    /// <summary><c>checksum_failures_total</c>: blocks or records whose CRC32 did not match.</summary>
    public long ChecksumFailuresTotal { get; init; }

    /// <summary><c>corrupted_entries_total</c>: entries made unreadable by those failures (a block or a record each).</summary>
    public long CorruptedEntriesTotal { get; init; }

    public long FlushesTotal { get; init; }

    public long FlushedBytesTotal { get; init; }

    public long FlushFailuresTotal { get; init; }

    /// <summary>Times a writer waited because <see cref="LsmEngineOptions.MaxImmutableMemtables"/> were pending flush.</summary>
    public long WriteStallsTotal { get; init; }

    public TimeSpan WriteStallDuration { get; init; }

    public long CommitLogSyncsTotal { get; init; }

    public long CommitLogBytesWritten { get; init; }

    public long CommitLogRecordsReplayed { get; init; }

    public long CommitLogCorruptRecordsSkipped { get; init; }

    public long CommitLogTornTailsTruncated { get; init; }

    public long CommitLogSegmentsDeleted { get; init; }

    /// <summary><c>commitlog_segments_active</c>.</summary>
    public int CommitLogSegmentsActive { get; init; }

    public long OrphanFilesDeleted { get; init; }

    /// <summary><c>memtable_status.size_bytes</c> of <c>/health</c> (active memtable).</summary>
    public long MemtableSizeBytes { get; init; }

    /// <summary><c>memtable_status.entry_count</c> of <c>/health</c> (active memtable).</summary>
    public long MemtableEntryCount { get; init; }

    public int ImmutableMemtableCount { get; init; }

    /// <summary>Live SSTables per level, index = level.</summary>
    public IReadOnlyList<int> SSTableCountByLevel { get; init; } = [];

    public long SSTableBytesTotal { get; init; }

    /// <summary><c>compaction_running</c>: compaction jobs running now.</summary>
    public int CompactionRunning { get; init; }

    public long CompactionsTotal { get; init; }

    /// <summary><c>compaction_bytes_reclaimed</c>: input bytes compactions did not write back.</summary>
    public long CompactionBytesReclaimed { get; init; }

    /// <summary>Table bytes written by compactions (with flushes and the commit log: the engine's write amplification).</summary>
    public long CompactionBytesWritten { get; init; }

    public long LastSequence { get; init; }

    public long FlushedSequence { get; init; }
}
