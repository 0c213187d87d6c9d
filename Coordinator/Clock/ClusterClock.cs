using PairDb.Contracts.Errors;
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
    // How many nodes are registered (from the last Retain); until the first round, assume a cluster of several.
    private int _registered = 2;
    // Completed once the nodes have checked this clock: min(2, registered) fresh offsets were measured together.
    private readonly TaskCompletionSource _verified = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

    /// <summary>
    /// Whether the nodes have checked this clock since the process started: enough fresh offsets (two, or the one node
    /// of a single-node cluster) were measured for the correction to be decided. Once true it stays true: a
    /// coordinator that later loses its nodes keeps its last correction.
    /// </summary>
    public bool Verified => _verified.Task.IsCompleted;

    /// <summary>Waits up to <paramref name="timeout"/> for <see cref="Verified"/>; false when it did not come.</summary>
    public async Task<bool> WaitVerifiedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (Verified)
        {
            return true;
        }
        try
        {
            await _verified.Task.WaitAsync(timeout, _time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// The expiry deadline of a write with <paramref name="ttlSeconds"/> to live, on the cluster time. Waits for the
    /// nodes to check this clock (<see cref="ClockOptions.VerifyWait"/>, bounded by the caller's <paramref name="deadline"/>)
    /// and refuses with NODE_NOT_READY when they have not: a deadline from an unchecked clock 3 hours slow would be
    /// past on arrival, and the acknowledged value would expire everywhere at once.
    /// </summary>
    public async ValueTask<long> TtlDeadlineAsync(long ttlSeconds, DateTime deadline, CancellationToken cancellationToken)
    {
        if (!Verified)
        {
            var wait = _options.Value.VerifyWait;
            var left = deadline == DateTime.MaxValue ? wait : deadline - _time.GetUtcNow().UtcDateTime;
            if (!await WaitVerifiedAsync(left < wait ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : wait, cancellationToken))
            {
                PairDbException.Throw(ErrorCode.NodeNotReady,
                    "this coordinator's clock is not yet checked against the storage nodes; a put with a TTL needs it (retry shortly)");
            }
        }
        return NowUnixMs() + (ttlSeconds * 1000L);
    }

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
            _registered = nodeIds.Count;
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
        var enough = _registered > 0 && fresh.Count >= Math.Min(2, _registered);
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
        if (next != previous)
        {
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
        // After the correction is in place, so whoever the completion releases reads the corrected time.
        if (enough && _verified.TrySetResult())
        {
            LogVerified(Volatile.Read(ref _correctionMs) / 1000.0, fresh.Count);
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

    [LoggerMessage(EventId = 1504, Level = LogLevel.Information, Message = "Coordinator clock checked against the storage nodes correction_seconds={CorrectionSeconds} nodes={Nodes}: puts with a TTL are served")]
    private partial void LogVerified(double correctionSeconds, int nodes);
}
