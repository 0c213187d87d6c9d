using System.Diagnostics;
using PairDb.Engine.Diagnostics;
using PairDb.Engine.Manifest;
using PairDb.Engine.MemTable;
using PairDb.Engine.SSTable;

namespace PairDb.Engine;

public sealed partial class LsmEngine
{
    private readonly object _flushSignal = new();
    private bool _flusherStarted;
    private bool _flushScheduled;
    private bool _stopFlusher;
    private Task _flushTask = Task.CompletedTask;
    private long _flushedMemTableId;
    private volatile Exception? _flushFailure;

    // The file the flush is writing now, named in the read-only cause if it fails. Written by the single drain task.
    private string _flushingFile = "";

    /// <summary>Turns the active memtable into an L0 table now and waits until every memtable pending at the call is durable in a table.</summary>
    public void Flush()
    {
        long target;
        lock (_log.AppendLock)
        {
            ThrowIfDisposed();
            RotateMemTable();
            target = _nextMemTableId - 1;
        }

        // The log's segments are created as the log writer reaches them; sync it so every segment holding the
        // flushed records exists and shows as cleanable once this returns.
        _log.SyncAppended();

        lock (_flushSignal)
        {
            while (Volatile.Read(ref _flushedMemTableId) < target && Volatile.Read(ref _current).Immutables.Length > 0)
            {
                ThrowIfDisposed();
                if (_flushFailure is { } failure)
                {
                    throw new StorageEngineException("memtable flush failed", failure);
                }

                Monitor.Wait(_flushSignal);
            }
        }
    }

    private void StartFlusher()
    {
        lock (_flushSignal)
        {
            _flusherStarted = true;
        }

        SignalFlusher();
    }

    /// <summary>
    /// Wakes flush waiters and makes sure one drain task is queued on flush_pool while memtables wait. Memtables are
    /// flushed one at a time, oldest first, by that single task: the flushed sequence may only move past a memtable
    /// once every older one is in a table.
    /// </summary>
    private void SignalFlusher()
    {
        lock (_flushSignal)
        {
            Monitor.PulseAll(_flushSignal);
            if (!_flusherStarted || _stopFlusher || _flushScheduled || Volatile.Read(ref _current).Immutables.Length == 0)
            {
                return;
            }

            _flushScheduled = true;
            try
            {
                _flushTask = _pools.Flush.Submit("flush", DrainImmutables);
            }
            catch (Exception ex) when (ex is WorkerPoolQueueFullException or ObjectDisposedException)
            {
                // Another flush task is not possible while this engine runs one at a time; closing is the only case.
                _flushScheduled = false;
            }
        }
    }

    private void StopFlusher()
    {
        Task task;
        lock (_flushSignal)
        {
            _stopFlusher = true;
            Monitor.PulseAll(_flushSignal);
            task = _flushTask;
        }

        // The drain task ends after the memtable it is writing; its failures were logged and counted already.
        ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
    }

    private void DrainImmutables()
    {
        while (true)
        {
            SkipListMemTable oldest;
            lock (_flushSignal)
            {
                if (_stopFlusher || Volatile.Read(ref _current).Immutables.Length == 0)
                {
                    _flushScheduled = false;
                    return;
                }

                oldest = _current.Immutables[^1];
            }

            try
            {
                FlushMemTable(oldest);
                _flushFailure = null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or StorageEngineException)
            {
                Interlocked.Increment(ref _counters.FlushFailuresTotal);
                EngineLog.FlushFailed(_logger, ex.Message, ex);
                _flushFailure = ex;
                // The memtable's records are safe in the commit log, but a disk that cannot take a table will not
                // take more log either: stop writes now, with the cause, rather than when the log hits it.
                EnterReadOnly(EngineWriteFailure.From(EngineWriteFailure.Operations.MemtableFlush, _flushingFile, ex, _options.TimeProvider.GetUtcNow()));
                lock (_flushSignal)
                {
                    Monitor.PulseAll(_flushSignal);
                    // Back off before retrying so a full disk is not hammered; the memtable stays readable meanwhile.
                    Monitor.Wait(_flushSignal, 1000);
                }
            }
        }
    }

    private void FlushMemTable(SkipListMemTable memTable)
    {
        var started = Stopwatch.GetTimestamp();
        long fileId;
        lock (_manifestLock)
        {
            fileId = _manifest.NextFileId;
            _manifest = _manifest with { NextFileId = fileId + 1 };
        }

        var path = SSTablePaths.TablePath(_options.DataDirectory, 0, fileId);
        _flushingFile = path;
        long size;
        using (var writer = new SSTableWriter(_fileSystem, path, _options.BlockSizeBytes, _options.BloomBitsPerKey))
        {
            WriteNewestVersions(memTable, writer);
            size = writer.Finish();
        }

        _fileSystem.SyncDirectory(Path.GetDirectoryName(path)!);
        var table = SSTableReader.Open(path, 0, fileId, _counters, _logger, _blockCache);
        try
        {
            _flushingFile = _manifestStore.FilePath;
            lock (_manifestLock)
            {
                var tables = new List<ManifestTableRecord>(_manifest.Tables) { new(0, fileId, size) };
                var next = _manifest with
                {
                    FlushedSequence = Math.Max(_manifest.FlushedSequence, memTable.MaxSequence),
                    Tables = tables,
                    SequenceTimes = PairDb.Engine.Compaction.SequenceTimeline.Add(_manifest.SequenceTimes, memTable.MaxSequence, NowUnixMs()),
                };
                _manifestStore.Save(next);
                _manifest = next;
            }

            InstallFlushedTable(memTable, table);
        }
        finally
        {
            table.Release(); // the version took its own reference
        }

        Interlocked.Increment(ref _counters.FlushesTotal);
        Interlocked.Add(ref _counters.FlushedBytesTotal, size);
        Volatile.Write(ref _flushedMemTableId, memTable.Id);
        SignalFlusher();
        ScheduleCompactions();
        EngineLog.MemtableFlushed(_logger, Sizes.Bytes(memTable.ApproximateBytes), memTable.Count, Sizes.Duration(Stopwatch.GetElapsedTime(started)), path);
        memTable.Release(); // the engine's own reference; versions still reading it hold theirs
    }

    /// <summary>
    /// Only the newest version of each key goes to the table: a snapshot older than the flush keeps reading the
    /// memtable itself through its version, so no reader can need a shadowed version from the table.
    /// </summary>
    private static void WriteNewestVersions(SkipListMemTable memTable, SSTableWriter writer)
    {
        nint previous = 0;
        for (var node = memTable.First(); node != 0; node = memTable.Next(node, 0))
        {
            if (previous != 0 && memTable.KeyOf(previous).SequenceEqual(memTable.KeyOf(node)))
            {
                continue;
            }

            writer.Add(memTable.KeyOf(node), memTable.SequenceOf(node), memTable.KindOf(node), memTable.ExpiresOf(node), memTable.ValueOf(node));
            previous = node;
        }
    }

    private void InstallFlushedTable(SkipListMemTable memTable, SSTableReader table)
    {
        lock (_versionLock)
        {
            var old = _current;
            var immutables = Array.FindAll(old.Immutables, m => !ReferenceEquals(m, memTable));
            var levels = (SSTableReader[][])old.Levels.Clone();
            var level0 = new SSTableReader[levels[0].Length + 1];
            level0[0] = table;
            levels[0].CopyTo(level0, 1);
            levels[0] = level0;
            _current = new Core.EngineVersion(old.Active, immutables, levels);
            old.Release();
        }
    }
}
