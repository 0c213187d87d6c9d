using System.Diagnostics;
using PairDb.Engine.CommitLog;
using PairDb.Engine.Diagnostics;

namespace PairDb.Engine;

/// <summary>
/// Read-only after a failed write to disk. A failed commit-log append, segment preallocation or fsync, or a failed
/// memtable flush, no longer ends the engine: it turns read-only with the cause (<see cref="WriteFailure"/>), reads
/// keep working, writes are refused up front with <see cref="EngineReadOnlyException"/>, and writes caught in the
/// failure get <see cref="WriteOutcomeUnknownException"/>. <see cref="TryResumeWrites"/> makes it writable again.
/// </summary>
public sealed partial class LsmEngine
{
    private readonly object _resumeLock = new();
    private EngineWriteFailure? _writeFailure;
    private volatile string? _resumeError;

    /// <summary>Why the engine is read-only, or null while it takes writes.</summary>
    public EngineWriteFailure? WriteFailure => Volatile.Read(ref _writeFailure);

    /// <summary>Why the last <see cref="TryResumeWrites"/> could not resume, or null (none tried, or it succeeded).</summary>
    public string? ResumeError => _resumeError;

    /// <summary>
    /// Tries to leave the read-only state; true when the engine takes writes (again). It first flushes every memtable
    /// to a table, so everything the engine holds in memory — acknowledged writes and writes whose outcome was
    /// reported unknown alike — is durable without the failed log; only then does it start a fresh commit-log segment
    /// (when the log was the one that failed) and delete the segments the flush made redundant. The failed segment is
    /// never written again: after a failed fsync the kernel may have dropped its dirty pages, so neither a retried
    /// fsync nor records appended behind the failure could be trusted. On failure the engine stays read-only and
    /// <see cref="ResumeError"/> says why; calling again later retries. Thread-safe; one attempt runs at a time.
    /// </summary>
    public bool TryResumeWrites()
    {
        ThrowIfDisposed();
        lock (_resumeLock)
        {
            var failure = WriteFailure;
            if (failure is null)
            {
                return true;
            }

            try
            {
                FlushWithoutLog();
                CommitLogWriter? replaced = null;
                lock (_appendLock)
                {
                    ThrowIfDisposed();
                    if (_log.Failure is not null)
                    {
                        DeleteFailedLog();
                        // Ids only grow: the next id is above every segment the failed writer created or tried to.
                        replaced = _log;
                        _log = NewLogWriter(replaced.CurrentSegmentId + 1, _lastSequence + 1);
                    }

                    _flushFailure = null;
                    Volatile.Write(ref _writeFailure, null);
                }

                replaced?.Dispose();
                _resumeError = null;
                EngineLog.WritesResumed(_logger, failure.Operation, failure.FilePath, (long)(_options.TimeProvider.GetUtcNow() - failure.Since).TotalMilliseconds);
                TryDeleteRedundantSegments();
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or StorageEngineException and not EngineClosedException)
            {
                var reason = e is StorageEngineException { InnerException: { } inner } ? inner.Message : e.Message;
                _resumeError = reason;
                EngineLog.ResumeFailed(_logger, failure.Operation, reason);
                return false;
            }
        }
    }

    /// <summary>Turns read-only with <paramref name="failure"/> as the cause, unless already read-only (the first cause stays).</summary>
    private void EnterReadOnly(EngineWriteFailure failure)
    {
        if (Interlocked.CompareExchange(ref _writeFailure, failure, null) is null)
        {
            EngineLog.EnteredReadOnly(_logger, failure.Operation, failure.FilePath, failure.Error, failure.DiskFull);
        }

        lock (_flushSignal)
        {
            Monitor.PulseAll(_flushSignal); // writers stalled on flush see it at once
        }
    }

    private void ThrowIfReadOnly()
    {
        if (Volatile.Read(ref _writeFailure) is { } failure)
        {
            ThrowReadOnly(failure);
        }
    }

    private static void ThrowReadOnly(EngineWriteFailure failure) => throw new EngineReadOnlyException(failure);

    private CommitLogWriter NewLogWriter(long segmentId, long firstSequence) =>
        new(_fileSystem, Path.Combine(_options.DataDirectory, CommitLogPaths.DirectoryName), segmentId, firstSequence, _options, _segments, _counters, _logger, _appendLock, EnterReadOnly);

    /// <summary>
    /// Flushes the active and every immutable memtable to tables without touching the commit log (writes are refused
    /// meanwhile, so nothing new arrives); throws the flush's error if an attempt started after the call fails.
    /// </summary>
    private void FlushWithoutLog()
    {
        var failuresBefore = Interlocked.Read(ref _counters.FlushFailuresTotal);
        lock (_appendLock)
        {
            RotateMemTable();
        }

        SignalFlusher();
        var started = Stopwatch.GetTimestamp();
        lock (_flushSignal)
        {
            while (Volatile.Read(ref _current).Immutables.Length > 0)
            {
                ThrowIfDisposed();
                if (Interlocked.Read(ref _counters.FlushFailuresTotal) > failuresBefore && _flushFailure is { } flushFailure)
                {
                    throw new StorageEngineException("memtable flush failed", flushFailure);
                }

                Monitor.Wait(_flushSignal, 100);
                if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(5))
                {
                    throw new StorageEngineException("memtable flush did not finish within 5 minutes");
                }
            }
        }
    }

    /// <summary>
    /// Deletes every segment of the failed log, the one that failed included. Every record in them is in a table now
    /// (the flush just covered the last sequence), and the failed segment may end in a damaged record that the next
    /// open would otherwise count as corruption in a sealed segment (a false "needs repair"). Caller holds the append
    /// lock, with writes refused.
    /// </summary>
    private void DeleteFailedLog()
    {
        if (FlushedSequence < _lastSequence)
        {
            throw new StorageEngineException($"flushed sequence {FlushedSequence} is behind the last sequence {_lastSequence} after the flush; the failed log is kept");
        }

        foreach (var (id, path) in _segments.ListAll())
        {
            if (_fileSystem.FileExists(path))
            {
                _fileSystem.Delete(path);
                Interlocked.Increment(ref _counters.CommitLogSegmentsDeleted);
                EngineLog.SegmentDeleted(_logger, path);
            }

            _segments.Remove(id);
        }

        _fileSystem.SyncDirectory(Path.Combine(_options.DataDirectory, CommitLogPaths.DirectoryName));
    }

    private void TryDeleteRedundantSegments()
    {
        try
        {
            DeleteCleanableSegments();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Writable either way; the segments are deleted by the next cleanup, or skipped at the next open
            // (every record in them is in a table now).
            EngineLog.DiskWriteFailed(_logger, e.Message, Path.Combine(_options.DataDirectory, CommitLogPaths.DirectoryName), e);
        }
    }
}
