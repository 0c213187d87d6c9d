using System.Buffers.Binary;
using System.Diagnostics;
using PairDb.Engine.CommitLog;
using PairDb.Engine.Diagnostics;
using PairDb.Engine.Format;
using PairDb.Engine.MemTable;

namespace PairDb.Engine;

public sealed partial class LsmEngine
{
    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => WriteOne(EntryKind.Value, key, value, 0);

    /// <summary>Puts a value that reads as absent from <paramref name="expiresAt"/> on.</summary>
    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, DateTimeOffset expiresAt) =>
        WriteOne(EntryKind.ExpiringValue, key, value, expiresAt.ToUnixTimeMilliseconds());

    /// <summary>Writes a tombstone that hides every older version of <paramref name="key"/>.</summary>
    public void Delete(ReadOnlySpan<byte> key) => WriteOne(EntryKind.Tombstone, key, [], 0);

    /// <summary>Applies every entry of <paramref name="batch"/> atomically: one log record, visible all at once.</summary>
    public void Write(WriteBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        AppendBatch(batch, out var durable, out _);
        durable?.Wait();
    }

    /// <summary>
    /// As <see cref="Write"/>, but in sync mode waits for the group commit without blocking a thread.
    /// The batch is appended and visible to readers before this method returns; only the returned task
    /// waits for durability. Callers may rely on that split (the storage node releases its per-key lock
    /// before awaiting): a later write is logged after this one, so its own durability covers this one's.
    /// </summary>
    public ValueTask WriteAsync(WriteBatch batch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ct.ThrowIfCancellationRequested();
        if (batch.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        var position = AppendBatch(batch, out _, out var log);
        return _syncMode ? log.WaitDurableAsync(position) : ValueTask.CompletedTask;
    }

    /// <summary>
    /// Completes once every write applied before the call is on disk, whatever the durability mode: in periodic
    /// mode it asks for the fsync now instead of waiting for the next interval (a bulk loader that reports progress
    /// only for durable data calls it once per batch).
    /// </summary>
    public ValueTask SyncAsync()
    {
        ThrowIfDisposed();
        return _log.SyncAppendedAsync();
    }

    private void WriteOne(EntryKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAtUnixMs)
    {
        WriteBatch.ValidateKey(key);
        ThrowIfReadOnly();
        StallWhileFlushIsBehind();
        var payloadLength = WriteBatchCodec.CountSize + WriteBatchCodec.EntrySize(kind, key.Length, value.Length);
        CommitLogBatch? durable = null;
        lock (_log.AppendLock)
        {
            ThrowIfDisposed();
            ThrowIfReadOnly();
            var sequence = _lastSequence + 1;
            var payload = _log.ReserveRecord(payloadLength, sequence);
            BinaryPrimitives.WriteUInt32LittleEndian(payload, 1);
            WriteBatchCodec.WriteEntry(payload[WriteBatchCodec.CountSize..], kind, key, value, expiresAtUnixMs);
            _log.CommitRecord(payloadLength, sequence);
            if (_syncMode)
            {
                durable = _log.ActiveBatch;
            }

            _lastSequence = sequence;
            var memTable = _current.Active;
            memTable.Add(key, sequence, kind, expiresAtUnixMs, value);
            Volatile.Write(ref _visibleSequence, sequence);
            if (memTable.ApproximateBytes >= _options.MemtableSizeBytes)
            {
                RotateMemTable();
            }
        }

        durable?.Wait();
    }

    /// <summary>
    /// Appends and applies the batch; <paramref name="durable"/> is its group commit in sync mode, else null, and
    /// <paramref name="log"/> the writer whose positions the returned one counts in (a resume replaces the writer).
    /// </summary>
    private long AppendBatch(WriteBatch batch, out CommitLogBatch? durable, out CommitLogWriter log)
    {
        ThrowIfReadOnly();
        StallWhileFlushIsBehind();
        var source = batch.Payload;
        lock (_log.AppendLock)
        {
            ThrowIfDisposed();
            ThrowIfReadOnly();
            log = _log;
            var first = _lastSequence + 1;
            var payload = _log.ReserveRecord(source.Length, first);
            source.CopyTo(payload);
            var position = _log.CommitRecord(source.Length, first);
            durable = _syncMode ? _log.ActiveBatch : null;
            _lastSequence = first + batch.Count - 1;
            ApplyToMemTable(_current.Active, first, source);
            Volatile.Write(ref _visibleSequence, _lastSequence);
            if (_current.Active.ApproximateBytes >= _options.MemtableSizeBytes)
            {
                RotateMemTable();
            }

            return position;
        }
    }

    /// <summary>Adds a record's entries with sequence numbers first, first+1, ...; returns the count, or -1 if malformed.</summary>
    private static long ApplyToMemTable(SkipListMemTable memTable, long firstSequence, ReadOnlySpan<byte> payload)
    {
        var reader = new WriteBatchCodec.Reader(payload);
        var sequence = firstSequence;
        while (reader.MoveNext())
        {
            memTable.Add(reader.Key, sequence++, reader.Kind, reader.ExpiresAtUnixMs, reader.Value);
        }

        return reader.Malformed ? -1 : sequence - firstSequence;
    }

    /// <summary>Makes the active memtable immutable and hands it to the flusher. Caller holds the append lock.</summary>
    private void RotateMemTable()
    {
        lock (_versionLock)
        {
            var old = _current;
            if (old.Active.IsEmpty)
            {
                return;
            }

            var immutables = new SkipListMemTable[old.Immutables.Length + 1];
            immutables[0] = old.Active;
            old.Immutables.CopyTo(immutables, 1);
            _current = new Core.EngineVersion(new SkipListMemTable(++_nextMemTableId, _options.MemtableSizeBytes), immutables, old.Levels);
            old.Release();
        }

        SignalFlusher();
    }

    /// <summary>Writers wait only when more than MaxImmutableMemtables are queued for flush.</summary>
    private void StallWhileFlushIsBehind()
    {
        if (Volatile.Read(ref _current).Immutables.Length < _options.MaxImmutableMemtables)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _counters.WriteStallsTotal);
        EngineLog.WriteStallStarted(_logger, _current.Immutables.Length, _options.MaxImmutableMemtables);
        lock (_flushSignal)
        {
            while (Volatile.Read(ref _current).Immutables.Length >= _options.MaxImmutableMemtables && Volatile.Read(ref _disposed) == 0)
            {
                ThrowIfReadOnly();

                Monitor.Wait(_flushSignal, 100);
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        Interlocked.Add(ref _counters.WriteStallMicroseconds, (long)(elapsed.TotalMilliseconds * 1000));
        EngineLog.WriteStallCleared(_logger, (long)elapsed.TotalMilliseconds);
    }
}
