using Microsoft.Extensions.Logging;

namespace PairDb.Engine;

/// <summary>The engine's three pools (runbook 5.2): the engine's flushes run on <see cref="Flush"/>, its compactions
/// on <see cref="Compaction"/>; <see cref="Streaming"/> is for the storage node's range streaming.</summary>
public sealed class EngineWorkerPools : IDisposable
{
    internal EngineWorkerPools(WorkerPoolOptions options, ILogger logger)
    {
        var cores = Environment.ProcessorCount;
        Flush = new WorkerPool("flush_pool", options.FlushPool.MaxWorkers ?? Math.Max(2, cores / 2), options.FlushPool.QueueSize, logger);
        Compaction = new WorkerPool("compaction_pool", options.CompactionPool.MaxWorkers ?? Math.Max(2, cores / 4), options.CompactionPool.QueueSize, logger);
        Streaming = new WorkerPool("streaming_pool", options.StreamingPool.MaxWorkers ?? Math.Max(2, cores / 2), options.StreamingPool.QueueSize, logger);
    }

    public WorkerPool Flush { get; }

    public WorkerPool Compaction { get; }

    public WorkerPool Streaming { get; }

    /// <summary>All three, for <c>/health</c>'s <c>worker_pools</c>.</summary>
    public IReadOnlyList<WorkerPoolStatistics> GetStatistics() =>
        [Flush.GetStatistics(), Compaction.GetStatistics(), Streaming.GetStatistics()];

    /// <summary>Compaction first (it may wait on nothing else), then the others.</summary>
    public void Dispose()
    {
        Compaction.Dispose();
        Flush.Dispose();
        Streaming.Dispose();
    }
}
