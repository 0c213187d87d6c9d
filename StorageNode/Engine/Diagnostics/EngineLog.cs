using Microsoft.Extensions.Logging;

namespace PairDb.Engine.Diagnostics;

/// <summary>Engine log lines; wording follows the operators' runbook (sections 1.2, 2.2, 6.3) where it gives one.</summary>
internal static partial class EngineLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Memtable flushed size={Size} entries={Entries} duration={Duration} file={File}")]
    public static partial void MemtableFlushed(ILogger logger, string size, long entries, string duration, string file);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Memtable flush failed error=\"{Error}\"")]
    public static partial void FlushFailed(ILogger logger, string error, Exception exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Write stall immutable_memtables={Count} limit={Limit}")]
    public static partial void WriteStallStarted(ILogger logger, int count, int limit);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Write stall cleared duration={DurationMs}ms")]
    public static partial void WriteStallCleared(ILogger logger, long durationMs);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Error, Message = "checksum validation failed file={File} offset={Offset} expected=0x{Expected:X8} actual=0x{Actual:X8}")]
    public static partial void ChecksumValidationFailed(ILogger logger, string file, long offset, uint expected, uint actual);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Commit log torn tail truncated file={File} offset={Offset} bytes_discarded={Bytes}")]
    public static partial void TornTailTruncated(ILogger logger, string file, long offset, long bytes);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Commit log corrupt record skipped file={File} offset={Offset} bytes_skipped={Bytes} reason={Reason}")]
    public static partial void CorruptRecordSkipped(ILogger logger, string file, long offset, long bytes, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Commit log segment discarded file={File} reason={Reason}")]
    public static partial void SegmentDiscarded(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Commit log replayed segments={Segments} records={Records} entries={Entries} duration={DurationMs}ms needs_repair={NeedsRepair}")]
    public static partial void CommitLogReplayed(ILogger logger, int segments, long records, long entries, long durationMs, bool needsRepair);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Commit log segment deleted file={File}")]
    public static partial void SegmentDeleted(ILogger logger, string file);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "Slow commit log sync duration={DurationMs}ms bytes={Bytes}")]
    public static partial void SlowSync(ILogger logger, long durationMs, long bytes);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Error, Message = "Disk write failed error=\"{Error}\" file={File}")]
    public static partial void DiskWriteFailed(ILogger logger, string error, string file, Exception exception);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "Orphan file removed file={File}")]
    public static partial void OrphanRemoved(ILogger logger, string file);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Unexplained table file kept file={File} reason=\"{Reason}\"")]
    public static partial void OrphanKept(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "File quarantined file={File} moved_to={Destination}")]
    public static partial void FileQuarantined(ILogger logger, string file, string destination);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Unaccounted files quarantined data_directory={Directory} quarantine={Quarantine} files_moved={Files} identity_deleted={IdentityDeleted} problem=\"{Problem}\"; the engine opens empty and the node must be rebuilt from its replicas")]
    public static partial void Quarantined(ILogger logger, string directory, string quarantine, int files, bool identityDeleted, string problem);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Error, Message = "Storage engine read-only operation={Operation} file={File} error=\"{Error}\" disk_full={DiskFull}; reads are served, writes are refused until it resumes")]
    public static partial void EnteredReadOnly(ILogger logger, string operation, string file, string error, bool diskFull);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Information, Message = "Storage engine writable again after operation={Operation} failure file={File} read_only_for={DurationMs}ms")]
    public static partial void WritesResumed(ILogger logger, string operation, string file, long durationMs);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Warning, Message = "Storage engine still read-only after operation={Operation} failure: resume failed error=\"{Error}\"")]
    public static partial void ResumeFailed(ILogger logger, string operation, string error);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Engine opened data_directory={Directory} durability={Durability} memtable_size_bytes={MemtableBytes} max_immutable_memtables={MaxImmutable} segment_bytes={SegmentBytes} block_size={BlockSize} bloom_bits_per_key={BloomBits} periodic_sync_ms={PeriodicMs} sstables={Tables} last_sequence={LastSequence}")]
    public static partial void EngineOpened(ILogger logger, string directory, DurabilityMode durability, long memtableBytes, int maxImmutable, long segmentBytes, int blockSize, int bloomBits, long periodicMs, int tables, long lastSequence);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Compaction completed level={Level} input_tables={InputTables} output_size={OutputSize} duration={Duration}")]
    public static partial void CompactionCompleted(ILogger logger, string level, int inputTables, string outputSize, string duration);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Compaction failed level={Level} error=\"{Error}\"")]
    public static partial void CompactionFailed(ILogger logger, string level, string error, Exception exception);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Emergency compaction started workers={Workers} throughput_cap=none")]
    public static partial void EmergencyCompactionStarted(ILogger logger, int workers);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Key range dropped start={Start} end={End} tables_rewritten={Rewritten} tables_deleted={Deleted}")]
    public static partial void RangeDropped(ILogger logger, string start, string end, int rewritten, int deleted);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Keys dropped keys={Keys} tables_rewritten={Tables} bytes_reclaimed={Bytes}")]
    public static partial void KeysDropped(ILogger logger, long keys, int tables, long bytes);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "SSTables removed from the manifest files={Files}")]
    public static partial void TablesRemoved(ILogger logger, string files);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Adjusted cache weights window={WindowPercent}% main={MainPercent}% hit_rate={HitRate}")]
    public static partial void CacheWeightsAdjusted(ILogger logger, string windowPercent, string mainPercent, string hitRate);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Cache eviction rate high evictions_per_sec={EvictionsPerSecond} cache_size={CacheSize}")]
    public static partial void CacheEvictionRateHigh(ILogger logger, long evictionsPerSecond, string cacheSize);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Cache reduced target_size={Target} freed={Freed}")]
    public static partial void CacheReduced(ILogger logger, string target, string freed);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Worker pool queue filling pool={Pool} queued={Queued} capacity={Capacity}")]
    public static partial void WorkerPoolQueueFilling(ILogger logger, string pool, int queued, int capacity);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Error, Message = "Worker pool task failed pool={Pool} task_id={TaskId} error=\"{Error}\"")]
    public static partial void WorkerPoolTaskFailed(ILogger logger, string pool, string taskId, string error, Exception exception);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Integrity scan completed tables={Tables} blocks={Blocks} bytes={Bytes} corrupt_files={CorruptFiles} duration={Duration}")]
    public static partial void IntegrityScanCompleted(ILogger logger, int tables, long blocks, string bytes, int corruptFiles, string duration);
}
