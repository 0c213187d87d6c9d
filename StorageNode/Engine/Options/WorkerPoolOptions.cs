namespace PairDb.Engine;

/// <summary>One bounded worker pool (runbook 5.2).</summary>
public sealed class WorkerPoolSettings
{
    /// <summary>Threads; null sizes from the CPU count (runbook 5.2: flush and streaming max(2, cores/2), compaction max(2, cores/4)).</summary>
    public int? MaxWorkers { get; init; }

    /// <summary>Tasks waiting beyond the running ones; a submit past this fails with <see cref="WorkerPoolQueueFullException"/>.</summary>
    public int QueueSize { get; init; } = 100;
}

/// <summary>The engine's pools; defaults are the runbook's 5.2 configuration.</summary>
public sealed class WorkerPoolOptions
{
    /// <summary>Memtable flushes. Default 4 workers, queue 100.</summary>
    public WorkerPoolSettings FlushPool { get; init; } = new() { MaxWorkers = 4, QueueSize = 100 };

    /// <summary>Compaction jobs. Default 2 workers, queue 50.</summary>
    public WorkerPoolSettings CompactionPool { get; init; } = new() { MaxWorkers = 2, QueueSize = 50 };

    /// <summary>Range streaming (used by the storage node). Default 4 workers, queue 100.</summary>
    public WorkerPoolSettings StreamingPool { get; init; } = new() { MaxWorkers = 4, QueueSize = 100 };

    internal void Validate()
    {
        Check(FlushPool, nameof(FlushPool));
        Check(CompactionPool, nameof(CompactionPool));
        Check(StreamingPool, nameof(StreamingPool));
    }

    private static void Check(WorkerPoolSettings settings, string name)
    {
        ArgumentNullException.ThrowIfNull(settings, name);
        if (settings.MaxWorkers is < 1 or > 256)
        {
            throw new ArgumentException($"Pools.{name}.MaxWorkers must be between 1 and 256.", name);
        }

        if (settings.QueueSize is < 1 or > 1_000_000)
        {
            throw new ArgumentException($"Pools.{name}.QueueSize must be between 1 and 1000000.", name);
        }
    }
}
