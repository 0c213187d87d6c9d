using System.Threading.Channels;
using Microsoft.Extensions.Options;
using NpgsqlTypes;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Telemetry;

namespace PairDb.Coordinator.Replication.Hints;

/// <summary>
/// Stores hints durably, cheaply. Callers enqueue and await; one writer drains everything queued
/// into a single binary COPY and completes all of its callers when that transaction commits, so
/// concurrent failed replica writes share one round trip (group commit: while one COPY runs, the
/// next batch gathers, and a lone hint is written at once rather than after a fixed delay).
/// </summary>
public sealed partial class HintWriter : BackgroundService
{
    private const string Copy =
        "COPY hints (target_node_id, tenant_id, key, payload, payload_size, created_at, next_attempt_at) FROM STDIN (FORMAT BINARY)";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _drops = new(StringComparer.Ordinal);
    private readonly Channel<PendingHint> _queue = Channel.CreateUnbounded<PendingHint>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HintDatabase _database;
    private readonly HintBacklog _backlog;
    private readonly ReplicationMetrics _metrics;
    private readonly HintOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<HintWriter> _logger;

    public HintWriter(HintDatabase database, HintBacklog backlog, ReplicationMetrics metrics, IOptions<HintOptions> options, TimeProvider time, ILogger<HintWriter> logger)
    {
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
        if (!_queue.Writer.TryWrite(hint))
        {
            _backlog.Abandoned(targetNodeId);
            return Task.FromException(new InvalidOperationException("the hint writer has stopped"));
        }
        return hint.Committed.Task;
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
            _backlog.Abandoned(hint.TargetNodeId);
            hint.Committed.TrySetException(new InvalidOperationException("the coordinator is shutting down"));
        }
        while (reader.TryRead(out var hint))
        {
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
                _backlog.Committed(hint.TargetNodeId);
                hint.Committed.TrySetResult();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogStoreFailed(_logger, batch.Count, e.Message);
            foreach (var hint in batch)
            {
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

    private sealed class PendingHint(string targetNodeId, string tenantId, byte[] key, byte[] payload)
    {
        public string TargetNodeId { get; } = targetNodeId;

        public string TenantId { get; } = tenantId;

        public byte[] Key { get; } = key;

        public byte[] Payload { get; } = payload;

        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
