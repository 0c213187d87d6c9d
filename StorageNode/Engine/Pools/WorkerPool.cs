using Microsoft.Extensions.Logging;
using PairDb.Engine.Diagnostics;

namespace PairDb.Engine;

/// <summary>
/// A fixed-size set of dedicated threads fed by a bounded FIFO queue. Submitting to a full queue throws
/// <see cref="WorkerPoolQueueFullException"/> at once rather than blocking the caller: the runbook's
/// "too small queue: task rejections" is a visible, retriable error. Threads start on demand and stay.
/// </summary>
public sealed partial class WorkerPool : IDisposable
{
    private const double FillingThreshold = 0.85;

    private readonly object _lock = new();
    private readonly Queue<WorkItem> _queue = new();
    private readonly List<Thread> _threads = [];
    private readonly ILogger _logger;
    private int _maxWorkers;
    private int _idle;
    private int _active;
    private long _completed;
    private long _failed;
    private long _rejected;
    private long _nextTaskId;
    private bool _fillingLogged;
    private bool _disposed;

    public WorkerPool(string name, int maxWorkers, int queueCapacity, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWorkers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        Name = name;
        _maxWorkers = maxWorkers;
        QueueCapacity = queueCapacity;
        _logger = logger;
    }

    /// <summary>The runbook's pool name: <c>flush_pool</c>, <c>compaction_pool</c>, <c>streaming_pool</c>.</summary>
    public string Name { get; }

    public int QueueCapacity { get; }

    public int MaxWorkers
    {
        get
        {
            lock (_lock)
            {
                return _maxWorkers;
            }
        }
    }

    /// <summary>Queues <paramref name="work"/>; the task completes with its result or exception.</summary>
    /// <param name="taskName">Prefix of the task id in logs, e.g. <c>compact</c> gives <c>compact-789</c>.</param>
    /// <exception cref="WorkerPoolQueueFullException">The queue is at capacity.</exception>
    public Task<T> Submit<T>(string taskName, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(taskName, () => completion.TrySetResult(work()), ex => completion.TrySetException(ex), () => completion.TrySetCanceled());
        return completion.Task;
    }

    /// <inheritdoc cref="Submit{T}(string, Func{T})"/>
    public Task Submit(string taskName, Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return Submit(taskName, () =>
        {
            work();
            return true;
        });
    }

    /// <summary>Changes the worker count at run time; extra threads leave once their current task ends.</summary>
    public void Resize(int maxWorkers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWorkers, 1);
        lock (_lock)
        {
            _maxWorkers = maxWorkers;
            Monitor.PulseAll(_lock);
            while (_threads.Count < _maxWorkers && _queue.Count > _idle)
            {
                StartThread();
            }
        }
    }

    public WorkerPoolStatistics GetStatistics()
    {
        lock (_lock)
        {
            return new WorkerPoolStatistics
            {
                Name = Name,
                MaxWorkers = _maxWorkers,
                ActiveWorkers = _active,
                QueuedTasks = _queue.Count,
                QueueCapacity = QueueCapacity,
                UtilizationPercent = Math.Min(100.0, 100.0 * _active / _maxWorkers),
                QueueUtilizationPercent = 100.0 * _queue.Count / QueueCapacity,
                CompletedTasks = _completed,
                FailedTasks = _failed,
                RejectedTasks = _rejected,
            };
        }
    }

    /// <summary>Stops taking tasks, cancels the queued ones and waits for the running ones to end.</summary>
    public void Dispose()
    {
        Thread[] threads;
        WorkItem[] pending;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            pending = [.. _queue];
            _queue.Clear();
            threads = [.. _threads];
            Monitor.PulseAll(_lock);
        }

        foreach (var item in pending)
        {
            item.Cancel();
        }

        foreach (var thread in threads)
        {
            if (thread != Thread.CurrentThread)
            {
                thread.Join();
            }
        }
    }
}
