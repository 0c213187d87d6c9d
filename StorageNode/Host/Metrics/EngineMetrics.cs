using System.Diagnostics.Metrics;
using PairDb.Engine;

namespace PairDb.StorageNode.Metrics;

/// <summary>
/// Engine counters exposed under the runbook's names, read from <see cref="LsmEngine.GetStatistics"/>
/// at each scrape (the engine keeps the counts; nothing is double-counted here).
/// </summary>
public sealed class EngineMetrics
{
    private readonly LsmEngine _engine;
    private readonly KeyValuePair<string, object?> _node;

    public EngineMetrics(LsmEngine engine, StorageNodeMetrics metrics)
    {
        _engine = engine;
        _node = metrics.NodeTag;
        var meter = metrics.Meter;
        meter.CreateObservableCounter(MetricNames.ChecksumFailuresTotal,
            () => new Measurement<long>(Statistics()?.ChecksumFailuresTotal ?? 0, _node),
            description: "Blocks or records that failed their CRC32.");
        meter.CreateObservableCounter(MetricNames.CorruptedEntriesTotal,
            () => new Measurement<long>(Statistics()?.CorruptedEntriesTotal ?? 0, _node),
            description: "Corrupted entries detected and skipped.");
        meter.CreateObservableGauge(MetricNames.CommitLogSegmentsActive,
            () => new Measurement<int>(Statistics()?.CommitLogSegmentsActive ?? 0, _node),
            description: "Commit-log segments on disk.");
    }

    // A scrape racing shutdown must not fail the whole exposition.
    private EngineStatistics? Statistics()
    {
        try
        {
            return _engine.GetStatistics();
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }
}
