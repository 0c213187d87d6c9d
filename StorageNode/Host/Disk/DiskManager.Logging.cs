namespace PairDb.StorageNode.Disk;

public sealed partial class DiskManager
{
    private void LogTransition(DiskState previous, DiskStatus status, DateTimeOffset now)
    {
        var usage = Sizes.Percent(status.Usage.UsagePercent);
        var available = Sizes.Bytes(status.Usage.AvailableBytes);
        var thresholds = status.Thresholds;
        var next = status.State;

        if (previous == DiskState.CircuitBroken && next != DiskState.CircuitBroken)
        {
            DiskLog.CircuitBreakerDisengaged(_logger, usage, Sizes.Percent(thresholds.CircuitBreaker));
        }

        if (previous >= DiskState.Throttled && next < DiskState.Throttled)
        {
            DiskLog.ThrottleDisengaged(_logger, usage, Sizes.Percent(thresholds.Throttle));
        }

        if (next == DiskState.CircuitBroken && previous != DiskState.CircuitBroken)
        {
            _circuitBreakerEvents.Add(1, _node);
            DiskLog.CircuitBreakerEngaged(_logger, usage, Sizes.Percent(thresholds.CircuitBreaker), available, Sizes.Bytes(status.Floors.CircuitBreaker), status.EngagedBy ?? "");
        }
        else if (next == DiskState.Throttled && previous < DiskState.Throttled)
        {
            DiskLog.ThrottleEngaged(_logger, usage, Sizes.Percent(thresholds.Throttle), available, Sizes.Bytes(status.Floors.Throttle), status.EngagedBy ?? "");
        }

        // The warning repeats while usage stays high, at most once per WarningLogInterval, and at once
        // whenever the state gets worse.
        if (next >= DiskState.Warning
            && (next > previous || now - _lastWarningLog >= _options.CurrentValue.WarningLogInterval))
        {
            _lastWarningLog = now;
            DiskLog.UsageWarning(_logger, usage, Sizes.Percent(thresholds.Warning), available);
        }
        else if (next == DiskState.Normal)
        {
            _lastWarningLog = DateTimeOffset.MinValue;
        }
    }
}
