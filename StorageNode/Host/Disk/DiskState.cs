namespace PairDb.StorageNode.Disk;

/// <summary>The disk manager's state, from the last sample against the thresholds.</summary>
public enum DiskState
{
    /// <summary>Below the warning threshold.</summary>
    Normal,

    /// <summary>At or above warning, below throttle: logged, writes unaffected.</summary>
    Warning,

    /// <summary>At or above throttle, below circuit breaker: large writes get DISK_THROTTLED.</summary>
    Throttled,

    /// <summary>At or above circuit breaker: every write gets DISK_FULL.</summary>
    CircuitBroken,
}

/// <summary>A consistent view of the disk manager: last sample, thresholds and resulting state.</summary>
public sealed record DiskStatus(DiskState State, DiskUsage Usage, DiskThresholds Thresholds, DateTimeOffset SampledAt)
{
    /// <summary>The byte floors the state was judged against too.</summary>
    public DiskByteFloors Floors { get; init; } = DiskByteFloors.None;

    /// <summary>
    /// What put the state above Normal: "usage_percent", "available_bytes" (a byte floor, possibly below the
    /// percentage thresholds on a small volume) or both; null in Normal.
    /// </summary>
    public string? EngagedBy { get; init; }

    public bool IsThrottled => State is DiskState.Throttled;

    public bool IsCircuitBroken => State is DiskState.CircuitBroken;

    /// <summary>The runbook's status word: "ok", "warning", "throttled" or "circuit_broken".</summary>
    public string StatusText => State switch
    {
        DiskState.Warning => "warning",
        DiskState.Throttled => "throttled",
        DiskState.CircuitBroken => "circuit_broken",
        _ => "ok",
    };
}
