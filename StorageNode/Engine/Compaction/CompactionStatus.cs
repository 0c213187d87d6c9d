namespace PairDb.Engine;

/// <summary>The runbook's <c>compaction/status</c>: whether compaction runs, per-level shape, bytes in and out.</summary>
public sealed record CompactionStatus
{
    /// <summary><c>compaction_running</c>: true while at least one job runs.</summary>
    public bool Running => RunningJobs.Count > 0;

    public bool EmergencyMode { get; init; }

    public IReadOnlyList<CompactionJobStatus> RunningJobs { get; init; } = [];

    /// <summary>Index = level (the runbook's <c>sstables/count-by-level</c> is each entry's <see cref="LevelStatus.TableCount"/>).</summary>
    public IReadOnlyList<LevelStatus> Levels { get; init; } = [];

    public long CompactionsCompleted { get; init; }

    public long CompactionsFailed { get; init; }

    /// <summary>Input table bytes of completed jobs.</summary>
    public long BytesIn { get; init; }

    /// <summary>Output table bytes of completed jobs.</summary>
    public long BytesOut { get; init; }

    /// <summary><c>compaction_bytes_reclaimed</c>: input bytes that did not come out again.</summary>
    public long BytesReclaimed { get; init; }

    /// <summary>Throughput cap in force, bytes per second; 0 = none.</summary>
    public long ThroughputCapBytesPerSecond { get; init; }
}

/// <summary>One running job; progress is input bytes read over input bytes.</summary>
public sealed record CompactionJobStatus(string Level, string Reason, int InputTables, long InputBytes, long BytesRead, long BytesWritten)
{
    public double ProgressPercent => InputBytes == 0 ? 100 : Math.Min(100.0, 100.0 * BytesRead / InputBytes);
}

/// <summary>A level's tables, bytes, size target and score (≥ 1 means compaction is due).</summary>
public sealed record LevelStatus(int Level, int TableCount, long Bytes, long TargetBytes, double Score);

/// <summary>What a manual compaction request did.</summary>
public sealed record CompactionResult(IReadOnlyList<CompactionJobResult> Jobs)
{
    public long BytesIn => Sum(static j => j.BytesIn);

    public long BytesOut => Sum(static j => j.BytesOut);

    public long BytesReclaimed => Sum(static j => j.BytesReclaimed);

    private long Sum(Func<CompactionJobResult, long> selector)
    {
        long total = 0;
        foreach (var job in Jobs)
        {
            total += selector(job);
        }

        return total;
    }
}
