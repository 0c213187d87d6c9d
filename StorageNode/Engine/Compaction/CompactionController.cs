using PairDb.Engine.Compaction;
using PairDb.Engine.Diagnostics;
using PairDb.Engine.SSTable;

namespace PairDb.Engine;

/// <summary>
/// Manual compaction (the runbook's <c>compaction/trigger</c>, <c>trigger-all-levels</c>, <c>compact-all</c>,
/// <c>emergency</c>, <c>status</c>). Jobs run on compaction_pool next to the automatic ones; a request whose tables
/// another job holds waits for that job.
/// </summary>
public sealed class CompactionController
{
    private readonly LsmEngine _engine;
    private int _emergency;

    internal CompactionController(LsmEngine engine) => _engine = engine;

    /// <summary>One round: the single job with the highest score, even if no level is over its target.</summary>
    public Task<CompactionResult> TriggerAsync(CancellationToken ct = default) =>
        RunAsync(static (e, levels, busy) => CompactionPicker.Pick(e.Options.Compaction, levels, busy, double.Epsilon, "manual"), repeat: false, parallelism: 1, ct);

    /// <summary>Every level: empties L0 into L1, then compacts each level until it is within its size target.</summary>
    public Task<CompactionResult> TriggerAllLevelsAsync(CancellationToken ct = default) =>
        RunAsync(PickAllLevels, repeat: true, parallelism: 1, ct);

    /// <summary>
    /// Full compaction: flushes the memtables, then merges every table into the deepest non-empty level as one sorted
    /// run — every shadowed version, expired value and collectable tombstone is gone afterwards.
    /// </summary>
    public async Task<CompactionResult> CompactAllAsync(CancellationToken ct = default)
    {
        await Task.Run(_engine.Flush, ct).ConfigureAwait(false);
        return await RunAsync(PickEverything, repeat: false, parallelism: 1, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// As <see cref="TriggerAllLevelsAsync"/> with compaction_pool widened to every core, jobs run in parallel and no
    /// throughput cap; the pool and cap return to their settings afterwards.
    /// </summary>
    public async Task<CompactionResult> EmergencyAsync(CancellationToken ct = default)
    {
        var pool = _engine.Pools.Compaction;
        var workers = pool.MaxWorkers;
        var cores = Math.Max(workers, Environment.ProcessorCount);
        Interlocked.Increment(ref _emergency);
        pool.Resize(cores);
        _engine.RateLimiter.BytesPerSecond = 0;
        EngineLog.EmergencyCompactionStarted(_engine.Logger, cores);
        try
        {
            return await RunAsync(PickAllLevels, repeat: true, parallelism: cores, ct).ConfigureAwait(false);
        }
        finally
        {
            if (Interlocked.Decrement(ref _emergency) == 0)
            {
                pool.Resize(workers);
                _engine.RateLimiter.BytesPerSecond = _engine.Options.Compaction.MaxBytesPerSecond;
            }
        }
    }

    public bool IsRunning => _engine.HasRunningJobs;

    public CompactionStatus GetStatus() => _engine.BuildCompactionStatus(Volatile.Read(ref _emergency) > 0);

    private static CompactionJob? PickAllLevels(LsmEngine engine, SSTableReader[][] levels, HashSet<long> busy) =>
        levels[0].Length > 0
            ? PickLevel0(engine, levels, busy, "all-levels")
            : CompactionPicker.Pick(engine.Options.Compaction, levels, busy, 1.0, "all-levels");

    internal static CompactionJob? PickLevel0(LsmEngine engine, SSTableReader[][] levels, HashSet<long> busy, string reason)
    {
        return CompactionPicker.PickLevel0(levels, busy, reason, CompactionPicker.Level0Output(engine.Options.Compaction, levels));
    }

    private static CompactionJob? PickEverything(LsmEngine engine, SSTableReader[][] levels, HashSet<long> busy) =>
        PickEverything(engine, levels, busy, "compact-all");

    /// <summary>Every table into the deepest non-empty level as one bottommost job; null when there is none or one is busy.</summary>
    internal static CompactionJob? PickEverything(LsmEngine engine, SSTableReader[][] levels, HashSet<long> busy, string reason)
    {
        var all = new List<SSTableReader>();
        var deepest = engine.Options.Compaction.DynamicLevelSizing ? CompactionPicker.LastLevel : 1;
        for (var level = 0; level < levels.Length; level++)
        {
            all.AddRange(levels[level]);
            if (levels[level].Length > 0)
            {
                deepest = Math.Max(deepest, level);
            }
        }

        return all.Count == 0 || CompactionPicker.AnyBusy([.. all], busy) ? null : new CompactionJob(0, deepest, [.. all], bottommost: true, reason);
    }

    internal Task<CompactionResult> RunJobsAsync(Func<LsmEngine, SSTableReader[][], HashSet<long>, CompactionJob?> pick, bool repeat, int parallelism, CancellationToken ct) =>
        RunAsync(pick, repeat, parallelism, ct);

    private async Task<CompactionResult> RunAsync(
        Func<LsmEngine, SSTableReader[][], HashSet<long>, CompactionJob?> pick, bool repeat, int parallelism, CancellationToken ct)
    {
        var results = new List<CompactionJobResult>();
        var running = new List<Task<CompactionJobResult?>>();
        var started = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var finished = _engine.JobFinishedSignal;
            while (running.Count < parallelism && (repeat || started == 0) && _engine.PickJob(pick) is not null)
            {
                running.Add(_engine.Pools.Compaction.Submit("compact", () => _engine.RunPickedJob(pick)));
                started++;
                if (running.Count >= parallelism)
                {
                    break;
                }
            }

            if (running.Count == 0)
            {
                // Nothing pickable now: done, unless the work is only blocked by another job holding its tables.
                if ((started > 0 && !repeat) || !BlockedByOtherJobs(pick))
                {
                    return new CompactionResult(results);
                }

                await finished.WaitAsync(ct).ConfigureAwait(false);
                continue;
            }

            var done = await Task.WhenAny(running).ConfigureAwait(false);
            running.Remove(done);
            if (await done.ConfigureAwait(false) is { } result)
            {
                results.Add(result);
            }
            else
            {
                started--; // lost the race for the tables to another job; try again
            }
        }
    }

    private bool BlockedByOtherJobs(Func<LsmEngine, SSTableReader[][], HashSet<long>, CompactionJob?> pick) =>
        _engine.HasRunningJobs && _engine.PickIgnoringBusy(pick) is not null;
}
