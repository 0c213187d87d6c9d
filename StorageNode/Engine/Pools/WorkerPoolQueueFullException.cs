using System.Globalization;

namespace PairDb.Engine;

/// <summary>A task was submitted to a worker pool whose queue already holds <see cref="Capacity"/> tasks. Retriable later.</summary>
public sealed class WorkerPoolQueueFullException : StorageEngineException
{
    public WorkerPoolQueueFullException(string pool, int capacity)
        : base(string.Create(CultureInfo.InvariantCulture, $"worker pool queue full pool={pool} capacity={capacity}"))
    {
        Pool = pool;
        Capacity = capacity;
    }

    public string Pool { get; }

    public int Capacity { get; }
}
