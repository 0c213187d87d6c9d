using System.Diagnostics.Metrics;

namespace PairDb.Coordinator.Telemetry;

/// <summary>Bootstrap and streaming instruments of the coordinator, names as the runbook spells them (5.3, 3.2).</summary>
public sealed class TopologyMetrics
{
    public const string BootstrapOperationsTotal = "bootstrap_operations_total";
    public const string BootstrapWithHintsTotal = "bootstrap_with_hints_total";
    public const string BootstrapHintReplayDurationSeconds = "bootstrap_hint_replay_duration_seconds";
    public const string ConcurrentBootstrapsGauge = "concurrent_bootstraps_gauge";
    public const string StreamingResyncOperationsTotal = "streaming_resync_operations_total";
    public const string OutcomeLabel = "outcome";

    private readonly Counter<long> _bootstraps;
    private readonly Counter<long> _bootstrapsWithHints;
    private readonly Histogram<double> _hintReplay;
    private readonly Counter<long> _resyncs;
    private int _concurrentBootstraps;

    public TopologyMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(CoordinatorMetrics.MeterName);
        _bootstraps = meter.CreateCounter<long>(BootstrapOperationsTotal, description: "Total bootstrap operations, by outcome (completed, failed, aborted)");
        _bootstrapsWithHints = meter.CreateCounter<long>(BootstrapWithHintsTotal, description: "Bootstraps that replayed hints");
        _hintReplay = meter.CreateHistogram<double>(BootstrapHintReplayDurationSeconds, unit: "s", description: "Time to replay hints during a bootstrap");
        _resyncs = meter.CreateCounter<long>(StreamingResyncOperationsTotal, description: "Ranges re-synced after a checksum mismatch");
        // Exported from the start, so the runbook's `grep streaming_resync_operations_total` finds a 0 rather than nothing.
        _resyncs.Add(0);
        _bootstrapsWithHints.Add(0);
        meter.CreateObservableGauge(ConcurrentBootstrapsGauge, () => Volatile.Read(ref _concurrentBootstraps),
            description: "Bootstraps in progress in the cluster (pending_changes rows in_progress)");
    }

    public void BootstrapEnded(string outcome) => _bootstraps.Add(1, new KeyValuePair<string, object?>(OutcomeLabel, outcome));

    public void HintsReplayedForBootstrap(long hints, TimeSpan duration)
    {
        _hintReplay.Record(duration.TotalSeconds);
        if (hints > 0)
        {
            _bootstrapsWithHints.Add(1);
        }
    }

    public void Resynced() => _resyncs.Add(1);

    /// <summary>Set from the database by the change supervisor: every coordinator reports the cluster's count.</summary>
    public void SetConcurrentBootstraps(int count) => Volatile.Write(ref _concurrentBootstraps, count);
}
