using System.Threading.Channels;
using Microsoft.Extensions.Options;
using NpgsqlTypes;
using PairDb.Contracts.Errors;
using PairDb.Coordinator.Options;
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
/// </summary>
public sealed partial class HintWriter : BackgroundService
{
    private const string Copy =
        "COPY hints (target_node_id, tenant_id, key, payload, payload_size, created_at, next_attempt_at) FROM STDIN (FORMAT BINARY)";

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

    public HintWriter(
        HintDatabase database, HintBacklog backlog, ReplicationMetrics metrics, OverloadMetrics overload, IOptions<HintOptions> options,
        TimeProvider time, ILogger<HintWriter> logger)
    {
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
        var hint = new PendingHint(targetNodeId, tenantId, key, payload);
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
        try
        {
            var now = _time.GetUtcNow().UtcDateTime;
            await using (var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken))
            await using (var importer = await connection.BeginBinaryImportAsync(Copy, cancellationToken))
            {
                foreach (var hint in batch)
                {
                    await importer.StartRowAsync(cancellationToken);
                    await importer.WriteAsync(hint.TargetNodeId, NpgsqlDbType.Varchar, cancellationToken);
                    await importer.WriteAsync(hint.TenantId, NpgsqlDbType.Varchar, cancellationToken);
                    await importer.WriteAsync(hint.Key, NpgsqlDbType.Bytea, cancellationToken);
                    await importer.WriteAsync(hint.Payload, NpgsqlDbType.Bytea, cancellationToken);
                    await importer.WriteAsync(hint.Payload.Length, NpgsqlDbType.Integer, cancellationToken);
                    await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                    await importer.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                }
                await importer.CompleteAsync(cancellationToken);
            }
            _metrics.HintsStored(batch.Count);
            foreach (var hint in batch)
            {
                Release(hint);
                _backlog.Committed(hint.TargetNodeId);
                hint.Committed.TrySetResult();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogStoreFailed(_logger, batch.Count, e.Message);
            foreach (var hint in batch)
            {
                Release(hint);
                _backlog.Abandoned(hint.TargetNodeId);
                hint.Committed.TrySetException(e);
            }
        }
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning,
        Message = "Hint cap reached target_node_id={TargetNodeId} max_hints_per_node={Cap} dropped={Dropped}: hints dropped, the node relies on read repair")]
    private static partial void LogCapReached(ILogger logger, string targetNodeId, long cap, long dropped);

    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "Failed to store hints count={Count} error={Error}")]
    private static partial void LogStoreFailed(ILogger logger, int count, string error);

    [LoggerMessage(EventId = 302, Level = LogLevel.Warning,
        Message = "Hint queue full target_node_id={TargetNodeId} max_queued_hints={MaxHints} max_queued_hint_bytes={MaxBytes} refused={Refused}: hint not stored, the write is answered TIMEOUT if it needed it")]
    private static partial void LogQueueFull(ILogger logger, string targetNodeId, int maxHints, long maxBytes, long refused);

    private sealed class PendingHint(string targetNodeId, string tenantId, byte[] key, byte[] payload)
    {
        public string TargetNodeId { get; } = targetNodeId;

        public string TenantId { get; } = tenantId;

        public byte[] Key { get; } = key;

        public byte[] Payload { get; } = payload;

        /// <summary>What the hint holds in memory, for the byte limit.</summary>
        public long Size => Key.Length + Payload.Length;

        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
