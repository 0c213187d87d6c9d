using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Errors;
using PairDb.StorageNode.Metrics;

namespace PairDb.StorageNode.Disk;

/// <summary>
/// Guards the data volume (runbook section 1): samples usage, moves between Normal, Warning,
/// Throttled and CircuitBroken by the percentage thresholds or the byte floors (<see cref="DiskByteFloors"/>:
/// the room the engine needs for its next commit-log segment, a flush and a compaction, so that on a small
/// volume the protections engage before the engine meets ENOSPC), whichever is worse, and admits or rejects
/// writes by the state.
/// Reads are never checked. Both throttle and circuit breaker disengage by themselves at the next
/// sample below their threshold. Thresholds come from configuration (reloadable) unless an operator
/// overrode them at run time through the admin API.
/// </summary>
public sealed partial class DiskManager
{
    private readonly IOptionsMonitor<DiskOptions> _options;
    private readonly string _dataDirectory;
    private readonly TimeProvider _time;
    private readonly ILogger<DiskManager> _logger;
    private readonly long _engineHeadroomBytes;
    private readonly KeyValuePair<string, object?> _node;
    private readonly Counter<long> _throttleEvents;
    private readonly Counter<long> _circuitBreakerEvents;
    private readonly Counter<long> _fullRejections;
    private readonly object _sampleLock = new();
    private volatile DiskStatus _status;

    // Payload bytes admitted since the last sample. A sample is seconds old on a busy node, and on a small volume the
    // writes admitted meanwhile can use the whole gap between a floor and ENOSPC; the byte floors are checked against
    // the sample minus what was admitted since (each byte is written twice: commit log, then table).
    private long _admittedSinceSample;
    private DiskThresholds? _override;
    private DateTimeOffset _lastWarningLog = DateTimeOffset.MinValue;

    /// <param name="engineHeadroomBytes">
    /// The engine's <see cref="DiskOptions.EngineHeadroom"/>, from which the byte floors default; 0 leaves only the
    /// configured floors.
    /// </param>
    public DiskManager(IOptionsMonitor<DiskOptions> options, string dataDirectory, TimeProvider time, ILogger<DiskManager> logger, StorageNodeMetrics metrics, long engineHeadroomBytes = 0)
    {
        _engineHeadroomBytes = engineHeadroomBytes;
        _options = options;
        _dataDirectory = dataDirectory;
        _time = time;
        _logger = logger;
        _node = metrics.NodeTag;
        _status = new DiskStatus(DiskState.Normal, default, options.CurrentValue.EffectiveThresholds(), DateTimeOffset.MinValue);
        var meter = metrics.Meter;
        meter.CreateObservableGauge(MetricNames.DiskUsagePercent, () => new Measurement<double>(_status.Usage.UsagePercent, _node), description: "Data volume usage percentage.");
        meter.CreateObservableGauge(MetricNames.DiskAvailableBytes, () => new Measurement<long>(_status.Usage.AvailableBytes, _node), description: "Bytes available on the data volume.");
        _throttleEvents = meter.CreateCounter<long>(MetricNames.DiskThrottleEventsTotal, description: "Writes rejected with DISK_THROTTLED.");
        _circuitBreakerEvents = meter.CreateCounter<long>(MetricNames.DiskCircuitBreakerEventsTotal, description: "Circuit breaker engagements.");
        _fullRejections = meter.CreateCounter<long>(MetricNames.DiskFullRejectionsTotal, description: "Writes rejected with DISK_FULL.");
        _throttleEvents.Add(0, _node);
        _circuitBreakerEvents.Add(0, _node);
        _fullRejections.Add(0, _node);
    }

    public DiskStatus Status => _status;

    /// <summary>The thresholds in effect: the run-time override if any, else configuration.</summary>
    public DiskThresholds Thresholds => _override ?? _options.CurrentValue.EffectiveThresholds();

    /// <summary>The available-bytes floors in effect (configuration over the engine's headroom).</summary>
    public DiskByteFloors Floors => _options.CurrentValue.EffectiveFloors(_engineHeadroomBytes);

    /// <summary>True when the thresholds were set through the admin API rather than configuration.</summary>
    public bool ThresholdsOverridden => _override is not null;

    /// <summary>
    /// Admits a write of <paramref name="payloadBytes"/>: null when allowed, else DISK_FULL (breaker
    /// engaged) or DISK_THROTTLED (throttled and the payload is above the size limit). Counts the rejection.
    /// </summary>
    public ErrorCode? CheckWrite(long payloadBytes)
    {
        var status = _status;
        var projected = status.Usage.WritableBytes - (2 * Interlocked.Read(ref _admittedSinceSample));
        var state = status.State;
        if (state == DiskState.CircuitBroken || (status.SampledAt != DateTimeOffset.MinValue && projected < status.Floors.CircuitBreaker))
        {
            _fullRejections.Add(1, _node);
            return ErrorCode.DiskFull;
        }

        if ((state == DiskState.Throttled || (status.SampledAt != DateTimeOffset.MinValue && projected < status.Floors.Throttle))
            && payloadBytes > _options.CurrentValue.ThrottleWriteSizeBytes)
        {
            _throttleEvents.Add(1, _node);
            return ErrorCode.DiskThrottled;
        }

        Interlocked.Add(ref _admittedSinceSample, payloadBytes);
        return null;
    }

    /// <summary>Measures usage now and applies it; on a failed measurement keeps the last state (and logs).</summary>
    public DiskStatus Sample()
    {
        DiskUsage usage;
        try
        {
            // Reset before measuring: what is admitted from now on may or may not be in the measurement, so it is
            // counted again (conservative), never missed.
            Interlocked.Exchange(ref _admittedSinceSample, 0);
            usage = DiskUsage.Measure(_dataDirectory, _options.CurrentValue.CapacityBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            DiskLog.SampleFailed(_logger, _dataDirectory, e);
            return _status;
        }

        return Apply(usage);
    }

    /// <summary>Sets (or with null, clears) the run-time threshold override and re-evaluates the state at once.</summary>
    public DiskStatus SetThresholds(DiskThresholds? thresholds, string source)
    {
        if (thresholds?.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(thresholds));
        }

        lock (_sampleLock)
        {
            _override = thresholds;
        }

        var effective = Thresholds;
        DiskLog.ThresholdsChanged(_logger, Sizes.Percent(effective.Warning), Sizes.Percent(effective.Throttle), Sizes.Percent(effective.CircuitBreaker), source);
        return Apply(_status.Usage);
    }

    /// <summary>Moves to the state <paramref name="usage"/> calls for, logging and counting transitions.</summary>
    internal DiskStatus Apply(DiskUsage usage)
    {
        lock (_sampleLock)
        {
            var thresholds = Thresholds;
            var floors = Floors;
            var previous = _status.State;
            var byPercent = StateFor(usage.UsagePercent, thresholds);
            var byBytes = StateFor(usage.WritableBytes, floors);
            var next = byPercent > byBytes ? byPercent : byBytes;
            var engagedBy = next == DiskState.Normal ? null
                : byPercent == byBytes ? "usage_percent,available_bytes"
                : byPercent > byBytes ? "usage_percent"
                : "available_bytes";
            var now = _time.GetUtcNow();
            var status = new DiskStatus(next, usage, thresholds, now) { Floors = floors, EngagedBy = engagedBy };
            _status = status;
            LogTransition(previous, status, now);
            return status;
        }
    }

    private static DiskState StateFor(long available, DiskByteFloors floors) =>
        available < floors.CircuitBreaker ? DiskState.CircuitBroken
        : available < floors.Throttle ? DiskState.Throttled
        : available < floors.Warning ? DiskState.Warning
        : DiskState.Normal;

    private static DiskState StateFor(double percent, DiskThresholds thresholds) =>
        percent >= thresholds.CircuitBreaker ? DiskState.CircuitBroken
        : percent >= thresholds.Throttle ? DiskState.Throttled
        : percent >= thresholds.Warning ? DiskState.Warning
        : DiskState.Normal;
}
