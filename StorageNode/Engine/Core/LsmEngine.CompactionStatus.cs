using Microsoft.Extensions.Logging;
using PairDb.Engine.Compaction;
using PairDb.Engine.SSTable;

namespace PairDb.Engine;

public sealed partial class LsmEngine
{
    internal ILogger Logger => _logger;

    /// <summary>A picker's answer as if no job held any table (is the work only blocked, or is there none?).</summary>
    internal CompactionJob? PickIgnoringBusy(Func<LsmEngine, SSTableReader[][], HashSet<long>, CompactionJob?> pick)
    {
        var version = AcquireVersion();
        try
        {
            return pick(this, version.Levels, []);
        }
        finally
        {
            version.Release();
        }
    }

    internal CompactionStatus BuildCompactionStatus(bool emergency)
    {
        var version = AcquireVersion();
        try
        {
            var levels = new LevelStatus[version.Levels.Length];
            var targets = CompactionPicker.Targets(_options.Compaction, version.Levels, out _);
            for (var level = 0; level < levels.Length; level++)
            {
                long bytes = 0;
                foreach (var table in version.Levels[level])
                {
                    bytes += table.FileSize;
                }

                var target = targets[level];
                levels[level] = new LevelStatus(level, version.Levels[level].Length, bytes, target, CompactionPicker.Score(_options.Compaction, version.Levels, level));
            }

            var jobs = new List<CompactionJobStatus>();
            foreach (var job in RunningJobsSnapshot())
            {
                jobs.Add(new CompactionJobStatus(job.LevelLabel, job.Reason, job.Inputs.Length, job.InputBytes, Interlocked.Read(ref job.BytesRead), Interlocked.Read(ref job.BytesWritten)));
            }

            return new CompactionStatus
            {
                EmergencyMode = emergency,
                RunningJobs = jobs,
                Levels = levels,
                CompactionsCompleted = Interlocked.Read(ref _counters.CompactionsTotal),
                CompactionsFailed = Interlocked.Read(ref _counters.CompactionFailuresTotal),
                BytesIn = Interlocked.Read(ref _counters.CompactionBytesRead),
                BytesOut = Interlocked.Read(ref _counters.CompactionBytesWritten),
                BytesReclaimed = Interlocked.Read(ref _counters.CompactionBytesReclaimed),
                ThroughputCapBytesPerSecond = _limiter.BytesPerSecond,
            };
        }
        finally
        {
            version.Release();
        }
    }
}
