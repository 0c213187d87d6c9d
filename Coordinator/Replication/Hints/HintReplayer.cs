using Google.Protobuf;
using Microsoft.Extensions.Options;
using Npgsql;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Validation;
using PairDb.Coordinator.Nodes;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Replication.Hints.Spool;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Telemetry;

namespace PairDb.Coordinator.Replication.Hints;

/// <summary>
/// Delivers stored hints to their targets once healthy (UP or not yet probed). A target whose breaker is open is still
/// tried: the breaker refuses at once (which only postpones the batch), and once its break duration is over the replay
/// call is its half-open trial. Skipping open breakers would strand hints: Polly moves a breaker to half-open only on a
/// call, and once client traffic to the node has stopped the replay is the only call left.
/// Delivery:
/// batches of due hints in arrival order go out as one BatchReplicaWrite each (a DVV merge on the
/// node, so a hint delivered twice, or after newer writes, changes nothing); delivered hints are
/// deleted, ones the node refused get replay_count + 1, last_error and a doubled backoff (a call the node did not
/// take at all only postpones the batch: an unreachable target spends no attempt), and after
/// MaxReplayAttempts they stay in the table for inspection (runbook 5.4). Paced per target at
/// ReplayRatePerSecond. Hints of several coordinators may be replayed by each: harmless, for the
/// same reason.
/// </summary>
public sealed partial class HintReplayer(
    HintDatabase database, HintSpool spool, HintSpoolMetrics spoolMetrics, HintBacklog backlog, ReplicaClients clients, NodeLiveness liveness,
    RingProvider rings, ReplicationMetrics metrics, IOptions<HintOptions> options, IOptions<ValidationOptions> validation,
    TimeProvider time, Clock.ClusterClock clock, ILogger<HintReplayer> logger)
{
    private readonly HintOptions _options = options.Value;
    private readonly int _maxBatchBytes = validation.Value.MaxBatchBytes;

    /// <summary>One pass over every target with hints; returns how many hints were delivered.</summary>
    public async Task<int> ReplayAsync(CancellationToken cancellationToken)
    {
        var versions = backlog.Versions();
        var counts = await CountAsync(cancellationToken);
        // The per-node cap counts spooled hints too (a hint both spooled and already in the table by a late COPY
        // is counted twice until the mover's insert finds it there: a brief overcount, never an undercount).
        var withSpooled = new Dictionary<string, long>(counts, StringComparer.Ordinal);
        foreach (var (target, spooled) in spool.CountsByTarget())
        {
            withSpooled[target] = withSpooled.GetValueOrDefault(target) + spooled;
        }
        backlog.Reset(withSpooled, versions);
        var ring = rings.Current;
        var delivered = 0;
        foreach (var (target, _) in counts)
        {
            if (!ring.TryGetNode(target, out var node) || liveness.IsDown(target))
            {
                continue;
            }
            delivered += await ReplayTargetAsync(node, cancellationToken);
        }
        return delivered;
    }

    /// <summary>
    /// Delivers the due hints of one target now, whatever the replay schedule (the hint-replay phase
    /// of a topology change); stops at the first failed batch. Returns how many were delivered.
    /// </summary>
    public Task<int> ReplayTargetNowAsync(RingNode node, CancellationToken cancellationToken) => ReplayTargetAsync(node, cancellationToken);

    private async Task<int> ReplayTargetAsync(RingNode node, CancellationToken cancellationToken)
    {
        var delivered = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var hints = await LoadDueAsync(node.NodeId, cancellationToken);
            if (hints.Count == 0)
            {
                break;
            }
            var started = time.GetTimestamp();
            var (errors, callFailed) = await DeliverAsync(node, hints.ConvertAll(h => (h.TenantId, h.Key, h.Payload)), cancellationToken);
            if (callFailed)
            {
                // The target did not take the call at all (down, restarting, not yet marked DOWN by the prober): that says
                // nothing against these hints, so no replay attempt is spent on them, only a delay before the next try.
                // MaxReplayAttempts parks hints the node refuses, never hints of a node that is merely away.
                await PostponeAsync(hints.ConvertAll(h => h.Id), errors[0]!, cancellationToken);
                metrics.HintFailed(node.NodeId, hints.Count);
                LogReplayFailed(logger, node.NodeId, hints.Count, errors[0]!);
                break;
            }
            var succeeded = new List<long>(hints.Count);
            var failed = new List<(long Id, string Error)>();
            for (var i = 0; i < hints.Count; i++)
            {
                if (errors[i] is { } error)
                {
                    failed.Add((hints[i].Id, error));
                }
                else
                {
                    succeeded.Add(hints[i].Id);
                }
            }
            await DeleteAsync(succeeded, cancellationToken);
            await MarkFailedAsync(failed, cancellationToken);
            backlog.Release(node.NodeId, succeeded.Count);
            if (succeeded.Count > 0)
            {
                metrics.HintReplayed(node.NodeId, succeeded.Count);
                delivered += succeeded.Count;
            }
            if (failed.Count > 0)
            {
                metrics.HintFailed(node.NodeId, failed.Count);
                LogReplayFailed(logger, node.NodeId, failed.Count, failed[0].Error);
                break;
            }
            await PaceAsync(started, hints.Count, cancellationToken);
        }
        if (delivered > 0)
        {
            LogReplayed(logger, node.NodeId, delivered);
        }
        return delivered;
    }

    /// <summary>
    /// One BatchReplicaWrite of <paramref name="items"/>; per item null when the node took it, else why not.
    /// <c>CallFailed</c>: the call itself failed (no per-item answer), every item carries that failure.
    /// </summary>
    private async Task<(string?[] Errors, bool CallFailed)> DeliverAsync(RingNode node, List<(string TenantId, byte[] Key, byte[] Payload)> items, CancellationToken cancellationToken)
    {
        var request = new BatchReplicaWriteRequest();
        var now = clock.NowUnixMs();
        foreach (var (tenantId, key, payload) in items)
        {
            request.Items.Add(new ReplicaWriteRequest { TenantId = tenantId, Key = UnsafeByteOperations.UnsafeWrap(key), Versions = UnsafeByteOperations.UnsafeWrap(payload), NowUnixMs = now });
        }
        var errors = new string?[items.Count];
        try
        {
            var reply = await clients.BatchReplicaWriteAsync(node, request, cancellationToken);
            for (var i = 0; i < items.Count; i++)
            {
                var result = i < reply.Results.Count ? reply.Results[i] : null;
                if (result is not { ResultCase: ReplicaWriteResult.ResultOneofCase.Ok })
                {
                    errors[i] = result?.Error is { } error ? $"{error.Reason}: {error.Message}" : "no result";
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Array.Fill(errors, ReplicaFailure.From(e).ToString());
            return (errors, true);
        }
        return (errors, false);
    }

    /// <summary>Pacing: a batch of b hints takes at least b / rate seconds, so a returning node sees a steady trickle, not the whole backlog at once.</summary>
    private async Task PaceAsync(long started, int count, CancellationToken cancellationToken)
    {
        var budget = TimeSpan.FromSeconds((double)count / _options.ReplayRatePerSecond) - time.GetElapsedTime(started);
        if (budget > TimeSpan.Zero)
        {
            await Task.Delay(budget, time, cancellationToken);
        }
    }

    private async Task<Dictionary<string, long>> CountAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("SELECT target_node_id, COUNT(*) FROM hints GROUP BY target_node_id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }
        return counts;
    }

    private async Task<List<StoredHint>> LoadDueAsync(string target, CancellationToken cancellationToken)
    {
        // Bounded in bytes as well as in count: rows are taken while the payloads before them stay under the
        // batch byte cap, so a batch never exceeds the cap plus one object and always fits the message budget
        // (and the first row always goes, however large).
        await using var command = database.DataSource.CreateCommand(
            "SELECT hint_id, tenant_id, key, payload FROM (" +
            "SELECT hint_id, tenant_id, key, payload, " +
            "SUM(octet_length(payload) + octet_length(key)) OVER (ORDER BY hint_id) - (octet_length(payload) + octet_length(key)) AS bytes_before " +
            "FROM hints WHERE target_node_id = $1 AND replay_count < $2 AND next_attempt_at <= now() ORDER BY hint_id LIMIT $3" +
            ") AS due WHERE bytes_before < $4 ORDER BY hint_id");
        command.Parameters.Add(new NpgsqlParameter { Value = target });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.MaxReplayAttempts });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.ReplayBatchSize });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)_maxBatchBytes });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var hints = new List<StoredHint>(_options.ReplayBatchSize);
        while (await reader.ReadAsync(cancellationToken))
        {
            hints.Add(new StoredHint(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(3)));
        }
        return hints;
    }

    private async Task DeleteAsync(List<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }
        await using var command = database.DataSource.CreateCommand("DELETE FROM hints WHERE hint_id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Tries these hints again after RetryBackoff, without counting an attempt (their target was unreachable).</summary>
    private async Task PostponeAsync(List<long> ids, string error, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "UPDATE hints SET last_error = $2, next_attempt_at = now() + $3 WHERE hint_id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = error });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.RetryBackoff });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task MarkFailedAsync(List<(long Id, string Error)> failed, CancellationToken cancellationToken)
    {
        if (failed.Count == 0)
        {
            return;
        }
        var ids = new long[failed.Count];
        var errors = new string[failed.Count];
        for (var i = 0; i < failed.Count; i++)
        {
            (ids[i], errors[i]) = failed[i];
        }
        // Backoff doubles per failure: RetryBackoff, 2x, 4x, ...
        await using var command = database.DataSource.CreateCommand(
            "UPDATE hints AS h SET replay_count = h.replay_count + 1, last_error = f.error, " +
            "next_attempt_at = now() + $3 * power(2, h.replay_count) " +
            "FROM unnest($1::bigint[], $2::text[]) AS f(id, error) WHERE h.hint_id = f.id");
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        command.Parameters.Add(new NpgsqlParameter { Value = errors });
        command.Parameters.Add(new NpgsqlParameter { Value = _options.RetryBackoff });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 330, Level = LogLevel.Information, Message = "Hints replayed target_node_id={TargetNodeId} count={Count}")]
    private static partial void LogReplayed(ILogger logger, string targetNodeId, int count);

    [LoggerMessage(EventId = 331, Level = LogLevel.Warning, Message = "Hint replay failed target_node_id={TargetNodeId} count={Count} error={Error}")]
    private static partial void LogReplayFailed(ILogger logger, string targetNodeId, int count, string error);

    private sealed record StoredHint(long Id, string TenantId, byte[] Key, byte[] Payload);
}
