using Microsoft.Extensions.Options;
using Npgsql;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Nodes;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Replication;
using PairDb.Coordinator.Replication.Hints;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Telemetry;
using PairDb.Coordinator.Topology.Streaming;

namespace PairDb.Coordinator.Topology.Changes;

/// <summary>
/// Drives one bootstrap or decommission through its phases (TOPOLOGY.md): plan -> copying ->
/// streaming (hint replay) -> syncing -> cutover. It holds the change's session advisory lock for
/// the whole run, persists every step before acting on it (compare-and-set on the row, so an
/// operator's edit stops it), and resumes from the persisted phase and per-stream resume keys, so
/// running it again after a crash, a pause or a restart continues where the last run stopped.
/// Unreachable nodes pause the change (retry with backoff); only a refusal that retrying cannot fix
/// fails it.
/// </summary>
public sealed partial class ChangeRunner
{
    private readonly ChangeStore _store;
    private readonly RunningChanges _running;
    private readonly NodeRegistry _registry;
    private readonly RingProvider _rings;
    private readonly NodeLiveness _liveness;
    private readonly NodeStreams _streams;
    private readonly DiskCheck _disks;
    private readonly StreamSlots _slots;
    private readonly HintReplayer _hints;
    private readonly PendingWrites _pendingWrites;
    private readonly TopologyMetrics _metrics;
    private readonly TopologyChangeOptions _options;
    private readonly TopologyOptions _topology;
    private readonly CleanupMetrics _cleanupMetrics;
    private readonly int _replicationFactor;
    private readonly TimeProvider _time;
    private readonly ILogger<ChangeRunner> _logger;

    public ChangeRunner(
        ChangeStore store, RunningChanges running, NodeRegistry registry, RingProvider rings, NodeLiveness liveness,
        NodeStreams streams, DiskCheck disks, StreamSlots slots, HintReplayer hints, PendingWrites pendingWrites, TopologyMetrics metrics,
        CleanupMetrics cleanupMetrics, IOptions<TopologyChangeOptions> options, IOptions<TopologyOptions> topology, IOptions<RingOptions> ringOptions, TimeProvider time, ILogger<ChangeRunner> logger)
    {
        _store = store;
        _running = running;
        _registry = registry;
        _rings = rings;
        _liveness = liveness;
        _streams = streams;
        _disks = disks;
        _slots = slots;
        _hints = hints;
        _pendingWrites = pendingWrites;
        _metrics = metrics;
        _options = options.Value;
        _topology = topology.Value;
        _cleanupMetrics = cleanupMetrics;
        _replicationFactor = ringOptions.Value.ReplicationFactor;
        _time = time;
        _logger = logger;
    }

    /// <summary>Runs the change as far as it can go now; see <see cref="RunOutcome"/>.</summary>
    public async Task<RunOutcome> RunAsync(string changeId, CancellationToken cancellationToken)
    {
        await using var lease = await ChangeLock.TryAcquireAsync(_store.LockSource, changeId, cancellationToken);
        if (lease is null)
        {
            return RunOutcome.Busy;
        }
        using var local = _running.Start(changeId, cancellationToken);
        var change = await _store.LoadAsync(changeId, local.Token);
        if (change is null || !ChangeStatuses.IsActive(change.Status))
        {
            return RunOutcome.Finished;
        }
        var rows = await _registry.ListAsync(local.Token);
        if (FindRow(rows, change.NodeId) is null)
        {
            const string Gone = "the storage_nodes row of the node was deleted while the change ran";
            await _store.FailAsync(changeId, change.Status, Gone, local.Token);
            LogFailed(changeId, change.Type, change.NodeId, Gone);
            EndedMetric(change.Type, ChangeStatuses.Failed);
            return RunOutcome.Finished;
        }
        // The change may come from another coordinator: make sure this one's ring has its node.
        await _registry.ReloadAsync(local.Token);
        using var run = new ChangeRun(change, ChangeDetails.Parse(change.Details), lease, local.Token);
        if (run.Details.WaitForOperator)
        {
            return RunOutcome.Waiting;
        }
        try
        {
            if (run.Details.Phase == ChangePhases.Queued && !await PlanAsync(run))
            {
                return RunOutcome.Waiting;
            }
            await DriveAsync(run);
            return RunOutcome.Finished;
        }
        catch (OperationCanceledException) when (run.Token.IsCancellationRequested)
        {
            LogStopped(changeId, run.StopReason ?? (cancellationToken.IsCancellationRequested ? "shutting down" : "stopped by an operator action"));
            return RunOutcome.Stopped;
        }
        catch (ChangeFailedException e)
        {
            await FailAsync(run, e.Message);
            return RunOutcome.Finished;
        }
    }

    private async Task DriveAsync(ChangeRun run)
    {
        LogRunning(run.ChangeId, run.Type, run.NodeId, run.Details.Phase, run.Details.Streams.Count);
        lock (run.Gate)
        {
            run.PendingAtStart = run.Details.PendingWritesDelivered;
            foreach (var gainer in Gainers(run))
            {
                run.PendingBaseline[gainer] = _pendingWrites.DeliveredTo(gainer);
            }
        }
        while (true)
        {
            switch (run.Details.Phase)
            {
                case ChangePhases.Copying:
                    await CopyAsync(run);
                    await SetPhaseAsync(run, ChangePhases.Streaming);
                    break;
                case ChangePhases.Streaming:
                    await ReplayHintsAsync(run);
                    await SetPhaseAsync(run, ChangePhases.Syncing);
                    break;
                case ChangePhases.Syncing:
                    await SyncAsync(run);
                    await SetPhaseAsync(run, ChangePhases.Cutover);
                    break;
                case ChangePhases.Cutover:
                    await CutoverAsync(run);
                    return;
                default:
                    throw new ChangeFailedException($"unknown phase '{run.Details.Phase}' in pending_changes.details");
            }
        }
    }

    private async Task SetPhaseAsync(ChangeRun run, string phase)
    {
        lock (run.Gate)
        {
            run.Details.Phase = phase;
            run.Details.Waiting = null;
        }
        LogPhase(run.ChangeId, phase);
        await SaveAsync(run);
    }

    /// <summary>Persists details and progress; stops the run when the row is no longer this run's to write.</summary>
    private async Task SaveAsync(ChangeRun run)
    {
        string json;
        int progress;
        lock (run.Gate)
        {
            run.Details.EstimatedCompletion = ChangeProgress.EstimateCompletion(run.Details, _time.GetUtcNow());
            CountStreamed(run);
            progress = Math.Max(run.ProgressFloor, ChangeProgress.Percent(run.Details));
            run.ProgressFloor = progress;
            json = run.Details.ToJson();
        }
        if (!await _store.SaveAsync(run.ChangeId, run.Status, run.Revision, progress, json, run.Token))
        {
            run.Stop("pending_changes row changed under the runner (status, revision or node row)");
            run.Token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>keys_streamed: pending-range writes delivered to the gainers during this change's runs, plus hints replayed to them.</summary>
    private void CountStreamed(ChangeRun run)
    {
        long delivered = 0;
        foreach (var (gainer, baseline) in run.PendingBaseline)
        {
            delivered += Math.Max(0, _pendingWrites.DeliveredTo(gainer) - baseline);
        }
        run.Details.PendingWritesDelivered = run.PendingAtStart + delivered;
        run.Details.KeysStreamed = run.Details.PendingWritesDelivered + run.Details.HintsReplayed;
    }

    /// <summary>The nodes receiving data in this change: every stream's target, and a joining node even when nothing streams to it.</summary>
    private static List<string> Gainers(ChangeRun run)
    {
        var gainers = new List<string>();
        foreach (var stream in run.Details.Streams)
        {
            if (!gainers.Contains(stream.Target))
            {
                gainers.Add(stream.Target);
            }
        }
        if (run.IsBootstrap && !gainers.Contains(run.NodeId))
        {
            gainers.Add(run.NodeId);
        }
        return gainers;
    }

    private async Task FailAsync(ChangeRun run, string error)
    {
        string json;
        int progress;
        lock (run.Gate)
        {
            run.Details.Waiting = null;
            progress = ChangeProgress.Percent(run.Details);
            json = run.Details.ToJson();
        }
        try
        {
            await _store.TransitionAsync(run.ChangeId, run.Status, ChangeStatuses.Failed, run.Revision, progress, json, error, CancellationToken.None);
        }
        catch (NpgsqlException e)
        {
            LogFailWriteFailed(e, run.ChangeId);
        }
        LogFailed(run.ChangeId, run.Type, run.NodeId, error);
        EndedMetric(run.Type, ChangeStatuses.Failed);
    }

    private void EndedMetric(string type, string outcome)
    {
        if (type == ChangeTypes.Bootstrap)
        {
            _metrics.BootstrapEnded(outcome);
        }
    }

    /// <summary>Waits before retrying an unreachable node: RetryBackoff doubled per attempt, capped.</summary>
    private Task BackoffAsync(int attempt, CancellationToken cancellationToken)
    {
        var delay = _options.RetryBackoff * Math.Pow(2, Math.Min(attempt, 16));
        return Task.Delay(delay < _options.MaxRetryBackoff ? delay : _options.MaxRetryBackoff, _time, cancellationToken);
    }

    private static StorageNodeRecord? FindRow(IReadOnlyList<StorageNodeRecord> rows, string nodeId)
    {
        foreach (var row in rows)
        {
            if (string.Equals(row.NodeId, nodeId, StringComparison.Ordinal))
            {
                return row;
            }
        }
        return null;
    }

    /// <summary>The registered node, from the current ring; a node gone from it cannot take part any more.</summary>
    private RingNode NodeOf(string nodeId, ChangeRun run)
    {
        if (_rings.Current.TryGetNode(nodeId, out var node))
        {
            return node;
        }
        if (string.Equals(nodeId, run.NodeId, StringComparison.Ordinal))
        {
            run.Stop($"storage node '{nodeId}' is no longer registered");
            run.Token.ThrowIfCancellationRequested();
        }
        throw new ChangeFailedException(
            $"storage node '{nodeId}' is no longer registered; switch its streams with POST /api/v1/rebalance/change-source, then restart");
    }
}
