using System.Diagnostics;
using PairDb.Engine.Compaction;
using PairDb.Engine.Diagnostics;
using PairDb.Engine.Manifest;
using PairDb.Engine.SSTable;

namespace PairDb.Engine;

public sealed partial class LsmEngine
{
    private readonly object _compactionLock = new();
    private readonly HashSet<long> _busyFiles = [];
    private readonly List<CompactionJob> _runningJobs = [];
    private readonly CancellationTokenSource _shutdown = new();
    private CompactionRateLimiter _limiter = null!;
    private TaskCompletionSource _jobFinished = NewSignal();
    private int _autoTasks;

    /// <summary>Manual compaction controls and status (the runbook's <c>compaction/*</c> endpoints).</summary>
    public CompactionController Compaction { get; private set; } = null!;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void InitializeCompaction()
    {
        _limiter = new CompactionRateLimiter(_options.Compaction.MaxBytesPerSecond);
        Compaction = new CompactionController(this);
    }

    /// <summary>Queues automatic jobs while some level is due and compaction_pool has an idle worker for it.</summary>
    internal void ScheduleCompactions()
    {
        if (!_options.Compaction.Automatic || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        lock (_compactionLock)
        {
            while (_autoTasks < _pools.Compaction.MaxWorkers && PickJob(static (e, levels, busy) => CompactionPicker.Pick(e._options.Compaction, levels, busy, 1.0, "auto")) is not null)
            {
                _autoTasks++;
                try
                {
                    _ = _pools.Compaction.Submit("compact", RunAutoCompaction);
                }
                catch (Exception ex) when (ex is WorkerPoolQueueFullException or ObjectDisposedException)
                {
                    _autoTasks--;
                    return;
                }
            }
        }
    }

    private void RunAutoCompaction()
    {
        try
        {
            RunPickedJob(static (e, levels, busy) => CompactionPicker.Pick(e._options.Compaction, levels, busy, 1.0, "auto"));
        }
        finally
        {
            lock (_compactionLock)
            {
                _autoTasks--;
            }

            ScheduleCompactions();
        }
    }

    /// <summary>Picks (reserving the inputs) and runs one job on the calling pool thread; null when nothing was pickable.</summary>
    internal CompactionJobResult? RunPickedJob(Func<LsmEngine, SSTableReader[][], HashSet<long>, CompactionJob?> pick)
    {
        CompactionJob? job;
        lock (_compactionLock)
        {
            // The version is taken under the compaction lock: a job that finishes installs its new version
            // before it frees its inputs under this lock, so a table seen here as not busy is still live.
            // Taken before the lock, a stale version could offer a table that another job had just
            // compacted away, and that table's mapping would be gone once this reference is released.
            var version = AcquireVersion();
            try
            {
                job = pick(this, version.Levels, _busyFiles);
                if (job is null)
                {
                    return null;
                }

                foreach (var table in job.Inputs)
                {
                    _busyFiles.Add(table.FileId);
                }

                _runningJobs.Add(job);
            }
            finally
            {
                // The inputs stay mapped without this reference: they remain in every newer version until this
                // job's own install removes them, since no other job may take a reserved table.
                version.Release();
            }
        }

        return ExecuteJob(job);
    }

    /// <summary>Dry run of a picker (nothing reserved) over the current version.</summary>
    internal CompactionJob? PickJob(Func<LsmEngine, SSTableReader[][], HashSet<long>, CompactionJob?> pick)
    {
        lock (_compactionLock)
        {
            var version = AcquireVersion();
            try
            {
                return pick(this, version.Levels, _busyFiles);
            }
            finally
            {
                version.Release();
            }
        }
    }

    internal bool HasRunningJobs
    {
        get
        {
            lock (_compactionLock)
            {
                return _runningJobs.Count > 0;
            }
        }
    }

    internal Task JobFinishedSignal
    {
        get
        {
            lock (_compactionLock)
            {
                return _jobFinished.Task;
            }
        }
    }

    internal CompactionRateLimiter RateLimiter => _limiter;

    internal IReadOnlyList<CompactionJob> RunningJobsSnapshot()
    {
        lock (_compactionLock)
        {
            return [.. _runningJobs];
        }
    }

    private CompactionJobResult ExecuteJob(CompactionJob job)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            IReadOnlyList<SequenceTimePoint> timeline;
            lock (_manifestLock)
            {
                timeline = _manifest.SequenceTimes;
            }

            var policy = new GarbagePolicy(OpenSnapshotSequences(), timeline, NowUnixMs(), (long)_options.Compaction.TombstoneGracePeriod.TotalMilliseconds);
            var runner = new CompactionRunner(_fileSystem, _options, AllocateFileId, _limiter, policy, _shutdown.Token);
            runner.Run(job);
            var outputBytes = InstallCompaction(job, runner);
            var reclaimed = Math.Max(0, job.InputBytes - outputBytes);
            Interlocked.Increment(ref _counters.CompactionsTotal);
            Interlocked.Add(ref _counters.CompactionBytesRead, job.InputBytes);
            Interlocked.Add(ref _counters.CompactionBytesWritten, outputBytes);
            Interlocked.Add(ref _counters.CompactionBytesReclaimed, reclaimed);
            var duration = Stopwatch.GetElapsedTime(started);
            EngineLog.CompactionCompleted(_logger, job.LevelLabel, job.Inputs.Length, Sizes.Bytes(outputBytes), Sizes.Duration(duration));
            return new CompactionJobResult(job.LevelLabel, job.Inputs.Length, runner.Outputs.Count, job.InputBytes, outputBytes, reclaimed, duration) { KeysDropped = job.KeysDropped };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Interlocked.Increment(ref _counters.CompactionFailuresTotal);
            EngineLog.CompactionFailed(_logger, job.LevelLabel, ex.Message, ex);
            throw;
        }
        finally
        {
            TaskCompletionSource signal;
            lock (_compactionLock)
            {
                _runningJobs.Remove(job);
                foreach (var table in job.Inputs)
                {
                    _busyFiles.Remove(table.FileId);
                }

                signal = _jobFinished;
                _jobFinished = NewSignal();
            }

            signal.TrySetResult();
        }
    }
}

/// <summary>What one compaction job did.</summary>
public sealed record CompactionJobResult(string Level, int InputTables, int OutputTables, long BytesIn, long BytesOut, long BytesReclaimed, TimeSpan Duration)
{
    /// <summary>Live keys a drop job removed (0 for an ordinary compaction).</summary>
    public long KeysDropped { get; init; }
}
