using Microsoft.Extensions.Logging;
using PairDb.Engine.Diagnostics;
using PairDb.Engine.IO;

namespace PairDb.Engine.CommitLog;

/// <summary>
/// Group commit. Writers encode records straight into a shared buffer while holding <see cref="AppendLock"/>
/// (the engine's write lock); one flusher thread swaps the buffer out, writes it with one positional write,
/// fdatasyncs, and then releases every writer whose record ended at or before the synced position.
/// While one sync runs the next batch accumulates, so the number of syncs is bounded by the disk, not the writers.
/// </summary>
internal sealed partial class CommitLogWriter : IDisposable
{
    private const int InitialBufferBytes = 1 << 20;
    private const int PeriodicWriteThresholdBytes = 64 << 10;
    private const int MaxBufferedBytes = 32 << 20;
    private const long SlowSyncMilliseconds = 200;

    private readonly IStorageFileSystem _fileSystem;
    private readonly string _directory;
    private readonly long _segmentBytes;
    private readonly bool _syncMode;
    private readonly long _periodicIntervalMs;
    private readonly CommitLogSegmentSet _segments;
    private readonly EngineCounters _counters;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Action<EngineWriteFailure> _onFailure;
    private readonly Thread _flusher;

    // Guarded by AppendLock.
    private byte[] _active = GC.AllocateUninitializedArray<byte>(InitialBufferBytes);
    private byte[] _spare = GC.AllocateUninitializedArray<byte>(InitialBufferBytes);
    private List<PendingRotation> _activeRotations = [];
    private List<PendingRotation> _spareRotations = [];
    private int _activeLength;
    private long _appendedPosition;
    private long _virtualSegmentOffset;
    private long _virtualSegmentId;
    private bool _flusherWaiting;
    private bool _syncRequested;
    private CommitLogBatch _activeBatch = new();
    private int _appendersWaiting;
    private bool _stopping;

    // Set once, by the flusher, when a write or fsync fails; the writer never writes again after that (a failed
    // fsync may have dropped dirty pages, so neither a retry nor later records could be trusted). The engine
    // replaces the whole writer to resume.
    private volatile EngineWriteFailure? _failure;
    private Exception? _failureCause;

    // Owned by the flusher thread after construction.
    private IStorageFile _file;
    private long _fileOffset;
    private string _stepOperation = EngineWriteFailure.Operations.CommitLogAppend;
    private string _stepFile = "";

    public CommitLogWriter(
        IStorageFileSystem fileSystem,
        string directory,
        long segmentId,
        long firstSequence,
        LsmEngineOptions options,
        CommitLogSegmentSet segments,
        EngineCounters counters,
        ILogger logger,
        object appendLock,
        Action<EngineWriteFailure> onFailure)
    {
        _fileSystem = fileSystem;
        _directory = directory;
        _segmentBytes = options.CommitLogSegmentBytes;
        _syncMode = options.Durability == DurabilityMode.Sync;
        _periodicIntervalMs = Math.Max(1, (long)options.PeriodicSyncInterval.TotalMilliseconds);
        _segments = segments;
        _counters = counters;
        _logger = logger;
        _time = options.TimeProvider;
        AppendLock = appendLock;
        _onFailure = onFailure;
        _virtualSegmentId = segmentId;
        _virtualSegmentOffset = CommitLogSegmentHeader.Size;
        _file = CreateSegment(segmentId, firstSequence);
        _fileOffset = CommitLogSegmentHeader.Size;
        _flusher = new Thread(RunFlusher) { IsBackground = true, Name = "pairdb-commitlog" };
        _flusher.Start();
    }

    /// <summary>
    /// The lock under which records are reserved and committed, in sequence order. The engine owns it and hands the
    /// same object to every writer it creates, so a writer replaced after a failure is guarded by the same lock.
    /// </summary>
    public object AppendLock { get; }

    /// <summary>Why this writer stopped, or null while it works. Once set it stays set.</summary>
    public EngineWriteFailure? Failure => _failure;

    public long CurrentSegmentId => Volatile.Read(ref _virtualSegmentId);

    /// <summary>
    /// The group-commit batch that records committed now belong to; in sync mode its <see cref="CommitLogBatch.Wait"/>
    /// returns once they are fdatasync'ed. Caller holds <see cref="AppendLock"/>.
    /// </summary>
    public CommitLogBatch ActiveBatch => _activeBatch;

    /// <summary>
    /// Reserves room for a record of <paramref name="payloadLength"/> bytes and returns the span the caller
    /// fills with the payload before <see cref="CommitRecord"/>. Caller holds <see cref="AppendLock"/>.
    /// </summary>
    public Span<byte> ReserveRecord(int payloadLength, long firstSequence)
    {
        ThrowIfRefused();
        var recordSize = CommitLogRecordHeader.Size + payloadLength;
        while (_activeLength > MaxBufferedBytes)
        {
            // The disk is behind by more than MaxBufferedBytes: let the flusher catch up rather than grow without bound.
            _appendersWaiting++;
            Monitor.Wait(AppendLock);
            _appendersWaiting--;
            ThrowIfRefused();
        }

        if (_virtualSegmentOffset + recordSize > _segmentBytes && _virtualSegmentOffset > CommitLogSegmentHeader.Size)
        {
            _virtualSegmentId++;
            _activeRotations.Add(new PendingRotation(_activeLength, _virtualSegmentId, firstSequence));
            _virtualSegmentOffset = CommitLogSegmentHeader.Size;
        }

        if (_activeLength + recordSize > _active.Length)
        {
            var bigger = GC.AllocateUninitializedArray<byte>(Math.Max(_active.Length * 2, _activeLength + recordSize));
            _active.AsSpan(0, _activeLength).CopyTo(bigger);
            _active = bigger;
        }

        return _active.AsSpan(_activeLength + CommitLogRecordHeader.Size, payloadLength);
    }

    /// <summary>Seals the reserved record and returns the log position a durable wait must reach. Caller holds <see cref="AppendLock"/>.</summary>
    public long CommitRecord(int payloadLength, long firstSequence)
    {
        var recordSize = CommitLogRecordHeader.Size + payloadLength;
        CommitLogRecordHeader.WriteSealed(_active.AsSpan(_activeLength, recordSize), payloadLength, firstSequence);
        _activeLength += recordSize;
        _virtualSegmentOffset += recordSize;
        _appendedPosition += recordSize;
        if (_flusherWaiting && (_syncMode || _activeLength >= PeriodicWriteThresholdBytes))
        {
            _flusherWaiting = false;
            Monitor.Pulse(AppendLock);
        }

        return _appendedPosition;
    }

    /// <summary>Writes and fsyncs everything appended so far, whatever the durability mode, and returns once it is durable.</summary>
    public void SyncAppended() => WaitDurable(RequestSync());

    /// <summary>As <see cref="SyncAppended"/>, without holding a thread while the fsync runs.</summary>
    public ValueTask SyncAppendedAsync() => WaitDurableAsync(RequestSync());

    /// <summary>Asks the flusher for an fsync now and returns the position it will make durable.</summary>
    private long RequestSync()
    {
        lock (AppendLock)
        {
            ThrowIfFailed();
            if (Volatile.Read(ref _durablePosition) >= _appendedPosition)
            {
                return _appendedPosition;
            }

            _syncRequested = true;
            if (_flusherWaiting)
            {
                _flusherWaiting = false;
                Monitor.Pulse(AppendLock);
            }

            return _appendedPosition;
        }
    }

    public void Dispose()
    {
        lock (AppendLock)
        {
            _stopping = true;
            Monitor.PulseAll(AppendLock);
        }

        _flusher.Join();
        _file.Dispose();
        FailWaiters(new EngineClosedException("engine disposed"));
    }

    /// <summary>Before a record is reserved nothing is written yet: the caller is refused.</summary>
    private void ThrowIfRefused()
    {
        if (_failure is { } failure)
        {
            throw new EngineReadOnlyException(failure);
        }
    }

    /// <summary>For a wait on records already appended: their fate is unknown once the log failed.</summary>
    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw new WriteOutcomeUnknownException(failure, _failureCause);
        }
    }

    private IStorageFile CreateSegment(long segmentId, long firstSequence)
    {
        var path = CommitLogPaths.SegmentPath(_directory, segmentId);
        _stepOperation = EngineWriteFailure.Operations.CommitLogPreallocate;
        _stepFile = path;
        var file = _fileSystem.Create(path, _segmentBytes);
        try
        {
            Span<byte> header = stackalloc byte[CommitLogSegmentHeader.Size];
            new CommitLogSegmentHeader(segmentId, firstSequence).Write(header);
            file.Write(0, header);
            file.Sync();
            _fileSystem.SyncDirectory(_directory);
        }
        catch
        {
            // A segment without a durable header holds no record; leaving it would only confuse the next open.
            file.Dispose();
            TryDelete(path);
            throw;
        }

        _segments.Add(segmentId, path, firstSequence);
        _stepOperation = EngineWriteFailure.Operations.CommitLogAppend;
        _stepFile = path;
        return file;
    }

    private void TryDelete(string path)
    {
        try
        {
            _fileSystem.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a headerless segment is discarded (and logged) at the next open anyway.
        }
    }

    private readonly record struct PendingRotation(int BufferOffset, long SegmentId, long FirstSequence);
}
