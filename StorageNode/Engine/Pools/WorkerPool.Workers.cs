using PairDb.Engine.Diagnostics;

namespace PairDb.Engine;

public sealed partial class WorkerPool
{
    private void Enqueue(string taskName, Action run, Action<Exception> fail, Action cancel)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_queue.Count >= QueueCapacity)
            {
                _rejected++;
                throw new WorkerPoolQueueFullException(Name, QueueCapacity);
            }

            var id = string.Concat(taskName, "-", (++_nextTaskId).ToString(System.Globalization.CultureInfo.InvariantCulture));
            _queue.Enqueue(new WorkItem(id, run, fail, cancel));
            if (_queue.Count >= QueueCapacity * FillingThreshold)
            {
                if (!_fillingLogged)
                {
                    _fillingLogged = true;
                    EngineLog.WorkerPoolQueueFilling(_logger, Name, _queue.Count, QueueCapacity);
                }
            }

            if (_idle > 0)
            {
                Monitor.Pulse(_lock);
            }
            else if (_threads.Count < _maxWorkers)
            {
                StartThread();
            }
        }
    }

    private void StartThread()
    {
        var thread = new Thread(RunWorker) { IsBackground = true, Name = $"pairdb-{Name}-{_threads.Count}" };
        _threads.Add(thread);
        thread.Start();
    }

    private void RunWorker()
    {
        while (true)
        {
            WorkItem item;
            lock (_lock)
            {
                while (!_disposed && _queue.Count == 0 && _threads.Count <= _maxWorkers)
                {
                    _idle++;
                    Monitor.Wait(_lock);
                    _idle--;
                }

                if (_disposed || _threads.Count > _maxWorkers)
                {
                    // Shrunk by Resize (or closing): this thread leaves; a queued task wakes another.
                    _threads.Remove(Thread.CurrentThread);
                    if (_queue.Count > 0)
                    {
                        Monitor.Pulse(_lock);
                    }

                    return;
                }

                item = _queue.Dequeue();
                if (_queue.Count < QueueCapacity * FillingThreshold)
                {
                    _fillingLogged = false;
                }

                _active++;
            }

            Execute(item);
        }
    }

    private void Execute(WorkItem item)
    {
        var failed = false;
        try
        {
            item.Run();
        }
        catch (OperationCanceledException)
        {
            item.Cancel();
        }
        catch (Exception ex)
        {
            failed = true;
            EngineLog.WorkerPoolTaskFailed(_logger, Name, item.Id, ex.Message, ex);
            item.Fail(ex);
        }
        finally
        {
            lock (_lock)
            {
                _active--;
                if (failed)
                {
                    _failed++;
                }
                else
                {
                    _completed++;
                }
            }
        }
    }

    private sealed record WorkItem(string Id, Action Run, Action<Exception> Fail, Action Cancel);
}
