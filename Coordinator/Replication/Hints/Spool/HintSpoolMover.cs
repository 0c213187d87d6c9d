using Microsoft.Extensions.Options;
using Npgsql;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Telemetry;

namespace PairDb.Coordinator.Replication.Hints.Spool;

/// <summary>
/// Drains the spool into <c>hints</c> every <see cref="HintOptions.SpoolDrainInterval"/>, oldest first, in batches:
/// insert (one statement, <c>ON CONFLICT (hint_uid) DO NOTHING</c>), then mark the batch done in the spool. While
/// PostgreSQL refuses, it delivers spooled hints of healthy targets directly instead (<see cref="HintReplayer.ReplayFromSpoolAsync"/>).
/// <para>
/// Never twice in <c>hints</c>: the insert skips a uid already there, whether a late COPY of the writer put it there
/// or this mover did before a crash that came between its insert and the done mark (the restart finds the hint live
/// again, inserts it again, and the conflict makes that a no-op). A hint can still be delivered twice: a row replayed
/// and deleted before the mover re-inserts its spooled twin, or a hint replayed from the spool that a late COPY also
/// stored. That is harmless: replay is a DVV merge on the node, and merging a sibling set whose dots the node already
/// has changes nothing (and neither does merging it after newer writes, which dominate it).
/// </para>
/// </summary>
public sealed partial class HintSpoolMover(
    HintSpool spool, HintDatabase database, HintReplayer replayer, HintBacklog backlog, HintSpoolMetrics metrics,
    IOptions<HintOptions> options, TimeProvider time, ILogger<HintSpoolMover> logger) : BackgroundService
{
    private const string Insert =
        "INSERT INTO hints (hint_uid, target_node_id, tenant_id, key, payload, payload_size, created_at, next_attempt_at) " +
        "SELECT u, t, n, k, p, octet_length(p), c, now() " +
        "FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bytea[], $5::bytea[], $6::timestamptz[]) AS s(u, t, n, k, p, c) " +
        "ON CONFLICT (hint_uid) DO NOTHING";

    /// <summary>Keys and payloads per insert, so one statement stays a few MiB.</summary>
    private const long MaxInsertBytes = 16L * 1024 * 1024;

    private readonly HintOptions _options = options.Value;
    private bool _failing;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Hints recovered from the spool count against their targets' caps from the start.
        foreach (var (target, count) in spool.CountsByTarget())
        {
            backlog.AddStored(target, count);
        }
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SpoolDrainInterval, time);
        try
        {
            do
            {
                await DrainOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is left stays in the spool for the next start.
        }
    }

    /// <summary>One pass: move everything into <c>hints</c>, or, when PostgreSQL refuses, replay what it can from the spool.</summary>
    public async Task DrainOnceAsync(CancellationToken cancellationToken)
    {
        if (spool.Count == 0)
        {
            return;
        }
        try
        {
            var moved = await MoveAsync(cancellationToken);
            if (_failing)
            {
                _failing = false;
                LogMoving(logger, moved);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (!_failing)
            {
                _failing = true;
                LogPostgresAway(logger, spool.Count, e.Message);
            }
            await replayer.ReplayFromSpoolAsync(cancellationToken);
        }
    }

    /// <summary>Moves every spooled hint into <c>hints</c>; returns how many.</summary>
    public async Task<int> MoveAsync(CancellationToken cancellationToken)
    {
        var moved = 0;
        while (true)
        {
            var hints = spool.Oldest(_options.MaxInsertBatch, MaxInsertBytes);
            if (hints.Count == 0)
            {
                return moved;
            }
            await InsertAsync(hints, cancellationToken);
            // A crash here leaves the batch both in hints and live in the spool: the next start inserts it again,
            // and ON CONFLICT (hint_uid) makes that insert a no-op.
            spool.MarkDone(hints.ConvertAll(h => h.Uid));
            metrics.Unspooled(hints.Count);
            moved += hints.Count;
        }
    }

    private async Task InsertAsync(List<SpooledHint> hints, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(Insert);
        command.Parameters.Add(new NpgsqlParameter { Value = hints.ConvertAll(h => h.Uid).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = hints.ConvertAll(h => h.TargetNodeId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = hints.ConvertAll(h => h.TenantId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = hints.ConvertAll(h => h.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = hints.ConvertAll(h => h.Payload).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = hints.ConvertAll(h => h.CreatedAt).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 347, Level = LogLevel.Warning,
        Message = "Hint spool cannot move hints into PostgreSQL spooled={Spooled} error={Error}: they stay in the spool; targets that are back get them straight from it")]
    private static partial void LogPostgresAway(ILogger logger, long spooled, string error);

    [LoggerMessage(EventId = 348, Level = LogLevel.Information, Message = "Hint spool moving into PostgreSQL again moved={Moved}")]
    private static partial void LogMoving(ILogger logger, int moved);
}
