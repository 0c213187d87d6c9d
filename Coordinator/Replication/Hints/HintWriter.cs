using System.Threading.Channels;
using Microsoft.Extensions.Options;
using NpgsqlTypes;
using PairDb.Contracts.Errors;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Replication.Hints.Spool;
using PairDb.Coordinator.Telemetry;

namespace PairDb.Coordinator.Replication.Hints;

/// <summary>
/// Stores hints durably, cheaply. Callers enqueue and await; one writer drains everything queued
/// into a single binary COPY and completes all of its callers when that transaction commits, so
/// concurrent failed replica writes share one round trip (group commit: while one COPY runs, the
/// next batch gathers, and a lone hint is written at once rather than after a fixed delay).
/// <para>
/// Bounded (issue 13): at most <see cref="HintOptions.MaxQueuedHints"/> hints and
/// <see cref="HintOptions.MaxQueuedHintBytes"/> of keys and payloads are held, queued or inside a COPY;
/// past either a hint fails at once with OVERLOADED ("hint queue is full"), counted and logged, instead of
/// piling up in memory while PostgreSQL is slow. The channel itself is unbounded because these two
/// counters, taken before a hint is queued and given back when its COPY ends, bound it.
/// </para>
/// <para>
/// Spool (issue 15): a batch whose COPY has not committed within <see cref="HintOptions.StoreBudget"/>, or failed,
/// is appended to the local <see cref="HintSpool"/> (fsync'ed) and its callers complete: a stopped or slow PostgreSQL
/// costs a write at most the budget. While a COPY is known failing (one failed within the last
/// <see cref="HintOptions.SpoolDrainInterval"/>, or one past its budget is still running) batches go straight to the
/// spool; after that interval the next batch tries PostgreSQL again. A COPY past its budget may still commit: every
/// hint carries a uid (<c>hints.hint_uid</c>, unique) so the spool mover's insert of the same hint is a no-op.
/// </para>
/// </summary>
public sealed partial class HintWriter : BackgroundService
{
    private const string Copy =
        "COPY hints (hint_uid, target_node_id, tenant_id, key, payload, payload_size, created_at, next_attempt_at) FROM STDIN (FORMAT BINARY)";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _drops = new(StringComparer.Ordinal);
    private readonly OverloadMetrics _overload;
    private long _heldHints;
    private long _heldBytes;
    private long _queueFullRefusals;
    private readonly Channel<PendingHint> _queue = Channel.CreateUnbounded<PendingHint>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HintDatabase _database;
    private readonly HintBacklog _backlog;
    private readonly ReplicationMetrics _metrics;
    private readonly HintOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<HintWriter> _logger;
    private readonly HintSpool _spool;
    private readonly HintSpoolMetrics _spoolMetrics;
    private long _spoolFullRefusals;

    /// <summary>A COPY that outlived its budget and may still be running (its batch is in the spool).</summary>
    private Task _lateCopy = Task.CompletedTask;

    /// <summary>When the last COPY failed (a <see cref="TimeProvider.GetTimestamp"/>), or 0.</summary>
    private long _copyFailedAt;

    public HintWriter(
        HintDatabase database, HintBacklog backlog, ReplicationMetrics metrics, OverloadMetrics overload, IOptions<HintOptions> options,
        TimeProvider time, ILogger<HintWriter> logger, HintSpool spool, HintSpoolMetrics spoolMetrics)
    {
        _spool = spool;
        _spoolMetrics = spoolMetrics;
        _overload = overload;
        _database = database;
        _backlog = backlog;
        _metrics = metrics;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Completes when the hint is committed; faults when it could not be stored. A target at its cap
    /// gets no hint (counted and logged) and the call completes at once: it then relies on read repair.
    /// When the writer already holds its limit of hints the call faults at once with OVERLOADED.
    /// </summary>
    public Task StoreAsync(string targetNodeId, string tenantId, byte[] key, byte[] payload)
    {
        if (!_backlog.TryReserve(targetNodeId, _options.MaxHintsPerNode))
        {
            _metrics.HintDropped(targetNodeId);
            // One warning when the cap is first hit, then one per thousand drops: a flood of
            // identical lines would hide everything else in the log.
            var drops = _drops.AddOrUpdate(targetNodeId, 1, static (_, n) => n + 1);
            if (drops % 1000 == 1)
            {
                LogCapReached(_logger, targetNodeId, _options.MaxHintsPerNode, drops);
            }
            return Task.CompletedTask;
        }
        var hint = new PendingHint(Guid.CreateVersion7(), targetNodeId, tenantId, key, payload, _time.GetUtcNow());
        if (!TryHold(hint))
        {
            _backlog.Abandoned(targetNodeId);
            return Task.FromException(QueueFull(targetNodeId));
        }
        if (!_queue.Writer.TryWrite(hint))
        {
            Release(hint);
            _backlog.Abandoned(targetNodeId);
            return Task.FromException(new InvalidOperationException("the hint writer has stopped"));
        }
        return hint.Committed.Task;
    }

    /// <summary>Takes room for the hint unless that would pass a limit; a hint over the byte limit on its own is held only alone.</summary>
    private bool TryHold(PendingHint hint)
    {
        var hints = Interlocked.Increment(ref _heldHints);
        var bytes = Interlocked.Add(ref _heldBytes, hint.Size);
        if (hints > _options.MaxQueuedHints || (bytes > _options.MaxQueuedHintBytes && bytes != hint.Size))
        {
            Release(hint);
            return false;
        }
        return true;
    }

    private void Release(PendingHint hint)
    {
        Interlocked.Decrement(ref _heldHints);
        Interlocked.Add(ref _heldBytes, -hint.Size);
    }

    private PairDbException QueueFull(string targetNodeId)
    {
        _overload.HintQueueFull(targetNodeId);
        // As for the cap: the first refusal and then one per thousand, so a flood does not bury the log.
        if (Interlocked.Increment(ref _queueFullRefusals) % 1000 == 1)
        {
            LogQueueFull(_logger, targetNodeId, _options.MaxQueuedHints, _options.MaxQueuedHintBytes, Volatile.Read(ref _queueFullRefusals));
        }
        return new PairDbException(ErrorCode.Overloaded,
            $"hint queue is full (limit {_options.MaxQueuedHints} hints / {_options.MaxQueuedHintBytes} bytes); hint for node {targetNodeId} not stored");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingHint>(_options.MaxInsertBatch);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < _options.MaxInsertBatch && reader.TryRead(out var hint))
                {
                    batch.Add(hint);
                }
                await WriteAsync(batch, stoppingToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: whatever is still queued fails below rather than hanging its callers.
        }
        _queue.Writer.TryComplete();
        foreach (var hint in batch)
        {
            Release(hint);
            _backlog.Abandoned(hint.TargetNodeId);
            hint.Committed.TrySetException(new InvalidOperationException("the coordinator is shutting down"));
        }
        while (reader.TryRead(out var hint))
        {
            Release(hint);
            _backlog.Abandoned(hint.TargetNodeId);
            hint.Committed.TrySetException(new InvalidOperationException("the coordinator is shutting down"));
        }
    }

    private async Task WriteAsync(List<PendingHint> batch, CancellationToken cancellationToken)
    {
        if (CopyKnownFailing())
        {
            ToSpool(batch);
            return;
        }
        // The COPY gets its own array: it may outlive this call, and the caller reuses the batch list.
        var copy = CopyAsync([.. batch], cancellationToken);
        await Task.WhenAny(copy, Task.Delay(_options.StoreBudget, _time, cancellationToken));
        if (copy.IsCompletedSuccessfully)
        {
            _metrics.HintsStored(batch.Count);
            foreach (var hint in batch)
            {
                Release(hint);
                _backlog.Committed(hint.TargetNodeId);
                hint.Committed.TrySetResult();
            }
            return;
        }
        if (copy.IsCompleted)
        {
            CopyFailed(batch.Count, copy.Exception?.GetBaseException());
        }
        else
        {
            LogStoreSlow(_logger, batch.Count, _options.StoreBudget);
            _lateCopy = copy.ContinueWith(
                t => CopyFailed(batch.Count, t.Exception?.GetBaseException()),
                CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion, TaskScheduler.Default);
        }
        ToSpool(batch);
    }

    private bool CopyKnownFailing()
    {
        var failedAt = Interlocked.Read(ref _copyFailedAt);
        return !_lateCopy.IsCompleted || (failedAt != 0 && _time.GetElapsedTime(failedAt) < _options.SpoolDrainInterval);
    }

    private void CopyFailed(int count, Exception? error)
    {
        Interlocked.Exchange(ref _copyFailedAt, _time.GetTimestamp());
        LogStoreFailed(_logger, count, error?.Message ?? "cancelled");
    }

    private async Task CopyAsync(PendingHint[] batch, CancellationToken cancellationToken)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken);
        foreach (var hint in batch)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(hint.Uid, NpgsqlDbType.Uuid, cancellationToken);
            await importer.WriteAsync(hint.TargetNodeId, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(hint.TenantId, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(hint.Key, NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteAsync(hint.Payload, NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteAsync(hint.Payload.Length, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(hint.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(hint.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
        }
        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// Appends the batch to the spool (one fsync) and completes its callers; hints past the spool's capacity are
    /// refused as a full queue is (OVERLOADED), counted in <c>hint_spool_full_total</c> and logged (throttled).
    /// </summary>
    private void ToSpool(List<PendingHint> batch)
    {
        var spooled = new List<SpooledHint>(batch.Count);
        foreach (var hint in batch)
        {
            spooled.Add(new SpooledHint(hint.Uid, hint.TargetNodeId, hint.TenantId, hint.Key, hint.Payload, hint.CreatedAt));
        }
        int taken;
        try
        {
            taken = _spool.Append(spooled);
        }
        catch (IOException e)
        {
            LogSpoolFailed(_logger, batch.Count, e.Message);
            foreach (var hint in batch)
            {
                Release(hint);
                _backlog.Abandoned(hint.TargetNodeId);
                hint.Committed.TrySetException(e);
            }
            return;
        }
        _metrics.HintsStored(taken);
        for (var i = 0; i < batch.Count; i++)
        {
            var hint = batch[i];
            Release(hint);
            if (i < taken)
            {
                _backlog.Committed(hint.TargetNodeId);
                hint.Committed.TrySetResult();
            }
            else
            {
                _backlog.Abandoned(hint.TargetNodeId);
                hint.Committed.TrySetException(SpoolFull(hint.TargetNodeId));
            }
        }
    }

    private PairDbException SpoolFull(string targetNodeId)
    {
        _spoolMetrics.SpoolFull(1);
        if (Interlocked.Increment(ref _spoolFullRefusals) % 1000 == 1)
        {
            LogSpoolFull(_logger, targetNodeId, _spool.CapacityBytes, Volatile.Read(ref _spoolFullRefusals));
        }
        return new PairDbException(ErrorCode.Overloaded,
            $"hint spool is full (limit {_spool.CapacityBytes} bytes) and PostgreSQL cannot take hints; hint for node {targetNodeId} not stored");
    }

    [LoggerMessage(EventId = 343, Level = LogLevel.Warning,
        Message = "Hints spooled count={Count}: PostgreSQL did not commit them within store_budget={Budget}")]
    private static partial void LogStoreSlow(ILogger logger, int count, TimeSpan budget);

    [LoggerMessage(EventId = 344, Level = LogLevel.Warning,
        Message = "Hint spool full target_node_id={TargetNodeId} spool_max_bytes={MaxBytes} refused={Refused}: hint not stored, the write is answered TIMEOUT if it needed it")]
    private static partial void LogSpoolFull(ILogger logger, string targetNodeId, long maxBytes, long refused);

    [LoggerMessage(EventId = 345, Level = LogLevel.Error, Message = "Failed to spool hints count={Count} error={Error}")]
    private static partial void LogSpoolFailed(ILogger logger, int count, string error);

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning,
        Message = "Hint cap reached target_node_id={TargetNodeId} max_hints_per_node={Cap} dropped={Dropped}: hints dropped, the node relies on read repair")]
    private static partial void LogCapReached(ILogger logger, string targetNodeId, long cap, long dropped);

    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "Failed to store hints count={Count} error={Error}")]
    private static partial void LogStoreFailed(ILogger logger, int count, string error);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning,
        Message = "Hint queue full target_node_id={TargetNodeId} max_queued_hints={MaxHints} max_queued_hint_bytes={MaxBytes} refused={Refused}: hint not stored, the write is answered TIMEOUT if it needed it")]
    private static partial void LogQueueFull(ILogger logger, string targetNodeId, int maxHints, long maxBytes, long refused);

    private sealed class PendingHint(Guid uid, string targetNodeId, string tenantId, byte[] key, byte[] payload, DateTimeOffset createdAt)
    {
        public Guid Uid { get; } = uid;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public string TargetNodeId { get; } = targetNodeId;

        public string TenantId { get; } = tenantId;

        public byte[] Key { get; } = key;

        public byte[] Payload { get; } = payload;

        /// <summary>What the hint holds in memory, for the byte limit.</summary>
        public long Size => Key.Length + Payload.Length;

        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
