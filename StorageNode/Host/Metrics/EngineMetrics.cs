using System.Diagnostics.Metrics;
using PairDb.Engine;

namespace PairDb.StorageNode.Metrics;

/// <summary>
/// Engine counters exposed under the runbook's names, read from the engine at each scrape (the engine
/// keeps the counts; nothing is double-counted here). <c>compaction_bytes_reclaimed</c> is cumulative
/// since the engine opened but exported as a gauge: as a counter the exporter would rename it
/// <c>compaction_bytes_reclaimed_total</c>, which is not the runbook's name.
/// </summary>
public sealed class EngineMetrics
{
    private static readonly double[] ScanBuckets = [0.001, 0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600];

    private readonly LsmEngine _engine;
    private readonly KeyValuePair<string, object?> _node;
    private readonly Histogram<double> _checksumValidation;

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
        meter.CreateObservableCounter(MetricNames.CacheHitsTotal,
            () => new Measurement<long>(Cache()?.Hits ?? 0, _node),
            description: "Block cache lookups that found the block.");
        meter.CreateObservableCounter(MetricNames.CacheRequestsTotal,
            () => new Measurement<long>(Cache()?.Requests ?? 0, _node),
            description: "Block cache lookups (hits plus misses).");
        meter.CreateObservableGauge(MetricNames.CompactionRunning,
            () => new Measurement<int>(Statistics()?.CompactionRunning ?? 0, _node),
            description: "Compaction jobs running now.");
        meter.CreateObservableGauge(MetricNames.CompactionBytesReclaimed,
            () => new Measurement<long>(Statistics()?.CompactionBytesReclaimed ?? 0, _node),
            description: "Input bytes compactions did not write back, since the node started.");
        meter.CreateObservableGauge(MetricNames.EngineReadOnly,
            () => new Measurement<int>(_engine.WriteFailure is null ? 0 : 1, _node),
            description: "1 while the storage engine is read-only after a failed write to disk (see /health read_only).");
        meter.CreateObservableGauge(MetricNames.WorkerPoolQueueUtilizationPercent, PoolQueues,
            description: "Queued tasks over queue capacity per worker pool, 0-100.");
        _checksumValidation = meter.CreateHistogram(MetricNames.ChecksumValidationLatency, unit: null,
            description: "Duration in seconds of a full checksum validation (integrity/scan-all).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ScanBuckets });
    }

    /// <summary>Records one finished integrity scan in <c>checksum_validation_latency</c>.</summary>
    public void ChecksumValidationCompleted(TimeSpan duration) => _checksumValidation.Record(duration.TotalSeconds, _node);

    private IEnumerable<Measurement<double>> PoolQueues()
    {
        IReadOnlyList<WorkerPoolStatistics> pools;
        try
        {
            pools = _engine.Pools.GetStatistics();
        }
        catch (ObjectDisposedException)
        {
            yield break;
        }

        foreach (var pool in pools)
        {
            yield return new Measurement<double>(pool.QueueUtilizationPercent, _node, new(MetricNames.PoolLabel, pool.Name));
        }
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

    private BlockCacheStatistics? Cache()
    {
        try
        {
            return _engine.Cache?.GetStatistics();
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }
}
