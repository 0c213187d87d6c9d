namespace PairDb.Engine;

/// <summary>A pool's live figures as <c>/health</c>'s <c>worker_pools</c> reports them (runbook 6.1).</summary>
public sealed record WorkerPoolStatistics
{
    public required string Name { get; init; }

    public int MaxWorkers { get; init; }

    /// <summary><c>active_workers</c>: tasks running now.</summary>
    public int ActiveWorkers { get; init; }

    /// <summary><c>queued_tasks</c>: tasks waiting for a worker.</summary>
    public int QueuedTasks { get; init; }

    public int QueueCapacity { get; init; }

    /// <summary><c>utilization_percent</c>: active workers over max workers, 0-100.</summary>
    public double UtilizationPercent { get; init; }

    /// <summary><c>worker_pool_queue_utilization_percent</c>: queued tasks over queue capacity, 0-100.</summary>
    public double QueueUtilizationPercent { get; init; }

    public long CompletedTasks { get; init; }

    public long FailedTasks { get; init; }

    public long RejectedTasks { get; init; }
}
