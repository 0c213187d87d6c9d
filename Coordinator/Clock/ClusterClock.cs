using Microsoft.Extensions.Options;
using PairDb.Coordinator.Options;

namespace PairDb.Coordinator.Clock;

/// <summary>
/// The coordinator's cluster time: its wall clock, corrected by the median node clock offset when that median
/// says this clock is off by more than <see cref="ClockOptions.MaxOffset"/>. Every storage request carries it
/// (<c>now_unix_ms</c>); a node judges TTL expiry at min(its own clock, it), so neither a fast node nor a fast
/// coordinator alone expires data early. TTL deadlines of new writes and the expiry filter of replies use it too.
/// Offsets are measured by the health probe (<see cref="Record"/>): node wall time minus the midpoint of the
/// round trip, on this process's uncorrected clock; they are reported relative to the cluster time.
/// </summary>
public sealed partial class ClusterClock
{
    private readonly TimeProvider _time;
    private readonly IOptions<ClockOptions> _options;
    private readonly ILogger<ClusterClock> _logger;
    // Guards _offsets and the transitions of _correctionMs; readers of the time only read _correctionMs.
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Measured> _offsets = new(StringComparer.Ordinal);
    private long _correctionMs;

    public ClusterClock(TimeProvider time, IOptions<ClockOptions> options, ILogger<ClusterClock> logger)
    {
        _time = time;
        _options = options;
        _logger = logger;
    }

    /// <summary>The cluster time, Unix milliseconds.</summary>
    public long NowUnixMs() => _time.GetUtcNow().ToUnixTimeMilliseconds() + Volatile.Read(ref _correctionMs);

    /// <summary>The cluster time.</summary>
    public DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowUnixMs());

    /// <summary>The correction applied to this process's clock (0 while the nodes agree with it within the bound).</summary>
    public TimeSpan Correction => TimeSpan.FromMilliseconds(Volatile.Read(ref _correctionMs));

    /// <summary>The bound (<see cref="ClockOptions.MaxOffset"/>).</summary>
    public TimeSpan MaxOffset => _options.Value.MaxOffset;

    /// <summary>
    /// Records one probe of <paramref name="nodeId"/>: its wall clock <paramref name="nodeNowUnixMs"/>, read during a
    /// round trip that began at <paramref name="sentUnixMs"/> (this process's uncorrected clock) and took <paramref name="roundTrip"/>.
    /// </summary>
    public void Record(string nodeId, long nodeNowUnixMs, long sentUnixMs, TimeSpan roundTrip)
    {
        var offsetMs = nodeNowUnixMs - (sentUnixMs + ((long)roundTrip.TotalMilliseconds / 2));
        var bound = (long)_options.Value.MaxOffset.TotalMilliseconds;
        lock (_lock)
        {
            var wasOff = _offsets.TryGetValue(nodeId, out var previous) && previous.Beyond;
            var correction = Volatile.Read(ref _correctionMs);
            var beyond = Math.Abs(offsetMs - correction) > bound;
            _offsets[nodeId] = new Measured(offsetMs, _time.GetUtcNow(), beyond);
            if (beyond && !wasOff)
            {
                LogNodeOffset(nodeId, (offsetMs - correction) / 1000.0, bound / 1000.0);
            }
            else if (!beyond && wasOff)
            {
                LogNodeOffsetBack(nodeId, (offsetMs - correction) / 1000.0);
            }
            Recompute(bound);
        }
    }

    /// <summary>Forgets the nodes no longer registered.</summary>
    public void Retain(IReadOnlySet<string> nodeIds)
    {
        lock (_lock)
        {
            foreach (var nodeId in new List<string>(_offsets.Keys))
            {
                if (!nodeIds.Contains(nodeId))
                {
                    _offsets.Remove(nodeId);
                }
            }
            Recompute((long)_options.Value.MaxOffset.TotalMilliseconds);
        }
    }

    /// <summary>The node's last measured offset from the cluster time; null until measured.</summary>
    public TimeSpan? OffsetOf(string nodeId)
    {
        lock (_lock)
        {
            return _offsets.TryGetValue(nodeId, out var measured)
                ? TimeSpan.FromMilliseconds(measured.OffsetMs - Volatile.Read(ref _correctionMs))
                : null;
        }
    }

    /// <summary>Every measured node's offset from the cluster time, in seconds.</summary>
    public Dictionary<string, double> OffsetsSeconds()
    {
        lock (_lock)
        {
            var correction = Volatile.Read(ref _correctionMs);
            var offsets = new Dictionary<string, double>(_offsets.Count, StringComparer.Ordinal);
            foreach (var (nodeId, measured) in _offsets)
            {
                offsets[nodeId] = (measured.OffsetMs - correction) / 1000.0;
            }
            return offsets;
        }
    }

    /// <summary>Sets the correction from the fresh offsets; under the lock.</summary>
    private void Recompute(long boundMs)
    {
        var freshSince = _time.GetUtcNow() - _options.Value.OffsetFreshness;
        var fresh = new List<long>(_offsets.Count);
        foreach (var measured in _offsets.Values)
        {
            if (measured.At >= freshSince)
            {
                fresh.Add(measured.OffsetMs);
            }
        }
        var median = ClockOffsetMedian.Of(fresh);
        var previous = Volatile.Read(ref _correctionMs);
        // Within the bound the coordinator's own clock stands (no chasing of jitter); a median can only engage the
        // correction from at least two nodes, and a lost majority keeps the last correction rather than snapping back.
        long next = median switch
        {
            null => previous,
            { } m when previous != 0 && Math.Abs(m - previous) <= boundMs => previous,
            { } m when Math.Abs(m) > boundMs => m,
            _ => 0,
        };
        if (next == previous)
        {
            return;
        }
        Volatile.Write(ref _correctionMs, next);
        if (next == 0)
        {
            LogCorrectionEnded(previous / 1000.0);
        }
        else
        {
            LogCorrected(next / 1000.0, fresh.Count, boundMs / 1000.0);
        }
    }

    private readonly record struct Measured(long OffsetMs, DateTimeOffset At, bool Beyond);

    [LoggerMessage(EventId = 1500, Level = LogLevel.Warning,
        Message = "Storage node clock offset beyond bound node_id={NodeId} offset_seconds={OffsetSeconds} max_offset_seconds={MaxOffsetSeconds}: its clock is not trusted to expire TTL data (requests carry the cluster time; the node judges at the earlier of the two)")]
    private partial void LogNodeOffset(string nodeId, double offsetSeconds, double maxOffsetSeconds);

    [LoggerMessage(EventId = 1501, Level = LogLevel.Information, Message = "Storage node clock offset back within bound node_id={NodeId} offset_seconds={OffsetSeconds}")]
    private partial void LogNodeOffsetBack(string nodeId, double offsetSeconds);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Warning,
        Message = "Coordinator clock corrected by the median node offset correction_seconds={CorrectionSeconds} nodes={Nodes} max_offset_seconds={MaxOffsetSeconds}: this coordinator's clock disagrees with the storage nodes")]
    private partial void LogCorrected(double correctionSeconds, int nodes, double maxOffsetSeconds);

    [LoggerMessage(EventId = 1503, Level = LogLevel.Information, Message = "Coordinator clock correction ended previous_correction_seconds={PreviousSeconds}: the nodes agree with this clock again")]
    private partial void LogCorrectionEnded(double previousSeconds);
}
