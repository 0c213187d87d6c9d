using System.Diagnostics;
using PairDb.Engine.Diagnostics;

namespace PairDb.Engine.CommitLog;

internal sealed partial class CommitLogWriter
{
    private readonly object _durableLock = new();
    private readonly List<DurableWaiter> _asyncWaiters = [];
    private long _durablePosition;

    /// <summary>Blocks until the log is synced through <paramref name="position"/>.</summary>
    public void WaitDurable(long position)
    {
        if (Volatile.Read(ref _durablePosition) >= position)
        {
            return;
        }

        lock (_durableLock)
        {
            while (_durablePosition < position)
            {
                ThrowIfFailed();
                Monitor.Wait(_durableLock);
            }
        }
    }

    /// <summary>Completes when the log is synced through <paramref name="position"/>, without holding a thread.</summary>
    public ValueTask WaitDurableAsync(long position)
    {
        if (Volatile.Read(ref _durablePosition) >= position)
        {
            return ValueTask.CompletedTask;
        }

        lock (_durableLock)
        {
            if (_durablePosition >= position)
            {
                return ValueTask.CompletedTask;
            }

            if (_failure is { } failure)
            {
                return ValueTask.FromException(new WriteOutcomeUnknownException(failure, _failureCause));
            }

            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _asyncWaiters.Add(new DurableWaiter(position, tcs));
            return new ValueTask(tcs.Task);
        }
    }

    private void RunFlusher()
    {
        var lastSync = Environment.TickCount64;
        while (true)
        {
            byte[] buffer;
            int length;
            List<PendingRotation> rotations;
            long endPosition;
            bool stopping;
            bool forced;
            CommitLogBatch batch;
            lock (AppendLock)
            {
                while (!_stopping && !ShouldFlush(lastSync))
                {
                    _flusherWaiting = true;
                    if (_syncMode)
                    {
                        Monitor.Wait(AppendLock);
                    }
                    else
                    {
                        var wait = _periodicIntervalMs - (Environment.TickCount64 - lastSync);
                        Monitor.Wait(AppendLock, (int)Math.Clamp(wait, 1, _periodicIntervalMs));
                    }

                    _flusherWaiting = false;
                }

                stopping = _stopping;
                forced = _syncRequested;
                _syncRequested = false;
                buffer = _active;
                batch = _activeBatch;
                _activeBatch = new CommitLogBatch();
                length = _activeLength;
                rotations = _activeRotations;
                endPosition = _appendedPosition;
                _active = _spare;
                _spare = buffer;
                _activeRotations = _spareRotations;
                _spareRotations = rotations;
                _activeLength = 0;
                if (_appendersWaiting > 0)
                {
                    Monitor.PulseAll(AppendLock);
                }
            }

            try
            {
                WriteOut(buffer, length, rotations);
                rotations.Clear();
                var syncDue = _syncMode || stopping || forced || Environment.TickCount64 - lastSync >= _periodicIntervalMs;
                if (syncDue && endPosition > Volatile.Read(ref _durablePosition))
                {
                    SyncAndPublish(endPosition, length);
                    lastSync = Environment.TickCount64;
                }
                else if (syncDue)
                {
                    lastSync = Environment.TickCount64;
                }

                if (syncDue)
                {
                    batch.Complete(null);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                EngineLog.DiskWriteFailed(_logger, ex.Message, _stepFile, ex);
                var failure = EngineWriteFailure.From(_stepOperation, _stepFile, ex, _time.GetUtcNow());
                _failureCause = ex;
                _failure = failure;
                _onFailure(failure);
                lock (AppendLock)
                {
                    Monitor.PulseAll(AppendLock);
                }

                // Every record of this batch and of the active one is in the memtables and visible, but may or may
                // not be on disk: their writers learn "outcome unknown", never "not written".
                var unknown = new WriteOutcomeUnknownException(failure, ex);
                batch.Complete(unknown);
                FailWaiters(unknown);
                return;
            }

            if (stopping)
            {
                return;
            }
        }
    }

    private bool ShouldFlush(long lastSync)
    {
        if (_syncMode || _syncRequested)
        {
            return _activeLength > 0 || _syncRequested;
        }

        var due = Environment.TickCount64 - lastSync >= _periodicIntervalMs;
        return _activeLength >= PeriodicWriteThresholdBytes || (due && (_activeLength > 0 || _appendedPosition > Volatile.Read(ref _durablePosition)));
    }

    private void WriteOut(byte[] buffer, int length, List<PendingRotation> rotations)
    {
        var start = 0;
        foreach (var rotation in rotations)
        {
            WriteChunk(buffer.AsSpan(start, rotation.BufferOffset - start));
            // The old segment must be complete on disk before a newer one can exist: recovery treats only
            // the newest segment's tail as possibly torn.
            _stepOperation = EngineWriteFailure.Operations.CommitLogFsync;
            _file.Sync();
            _file.Dispose();
            _file = CreateSegment(rotation.SegmentId, rotation.FirstSequence);
            _fileOffset = CommitLogSegmentHeader.Size;
            start = rotation.BufferOffset;
        }

        WriteChunk(buffer.AsSpan(start, length - start));
        Interlocked.Add(ref _counters.CommitLogBytesWritten, length);
    }

    private void WriteChunk(ReadOnlySpan<byte> chunk)
    {
        if (chunk.IsEmpty)
        {
            return;
        }

        _stepOperation = EngineWriteFailure.Operations.CommitLogAppend;
        _stepFile = _file.Path;
        _file.Write(_fileOffset, chunk);
        _fileOffset += chunk.Length;
    }

    private void SyncAndPublish(long endPosition, int bytes)
    {
        var started = Stopwatch.GetTimestamp();
        _stepOperation = EngineWriteFailure.Operations.CommitLogFsync;
        _stepFile = _file.Path;
        _file.Sync();
        Interlocked.Increment(ref _counters.CommitLogSyncsTotal);
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (elapsed.TotalMilliseconds >= SlowSyncMilliseconds)
        {
            EngineLog.SlowSync(_logger, (long)elapsed.TotalMilliseconds, bytes);
        }

        lock (_durableLock)
        {
            _durablePosition = endPosition;
            Monitor.PulseAll(_durableLock);
            if (_asyncWaiters.Count == 0)
            {
                return;
            }

            var kept = 0;
            for (var i = 0; i < _asyncWaiters.Count; i++)
            {
                var waiter = _asyncWaiters[i];
                if (waiter.Position <= endPosition)
                {
                    waiter.Completion.TrySetResult();
                }
                else
                {
                    _asyncWaiters[kept++] = waiter;
                }
            }

            _asyncWaiters.RemoveRange(kept, _asyncWaiters.Count - kept);
        }
    }

    private void FailWaiters(Exception failure)
    {
        lock (AppendLock)
        {
            _activeBatch.Complete(failure);
        }

        lock (_durableLock)
        {
            Monitor.PulseAll(_durableLock);
            foreach (var waiter in _asyncWaiters)
            {
                waiter.Completion.TrySetException(failure is WriteOutcomeUnknownException unknown
                    ? new WriteOutcomeUnknownException(unknown.Failure, unknown.InnerException)
                    : new EngineClosedException("commit log closed; the write may not be durable", failure));
            }

            _asyncWaiters.Clear();
        }
    }

    private readonly record struct DurableWaiter(long Position, TaskCompletionSource Completion);
}
