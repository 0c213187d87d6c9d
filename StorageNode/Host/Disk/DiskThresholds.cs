namespace PairDb.StorageNode.Disk;

/// <summary>Usage percentages at which the disk manager warns, throttles large writes and rejects all writes.</summary>
public readonly record struct DiskThresholds(double Warning, double Throttle, double CircuitBreaker)
{
    /// <summary>Runbook 5.1 defaults: 80 / 90 / 95.</summary>
    public static DiskThresholds Default { get; } = new(80, 90, 95);

    /// <summary>Runbook 5.1 "Conservative (High Durability)": 70 / 80 / 85.</summary>
    public static DiskThresholds Conservative { get; } = new(70, 80, 85);

    /// <summary>Runbook 5.1 "Aggressive (High Utilization)": 85 / 93 / 97.</summary>
    public static DiskThresholds Aggressive { get; } = new(85, 93, 97);

    public static DiskThresholds For(DiskThresholdPreset preset) => preset switch
    {
        DiskThresholdPreset.Conservative => Conservative,
        DiskThresholdPreset.Aggressive => Aggressive,
        _ => Default,
    };

    /// <summary>Null when the thresholds are usable, else why not.</summary>
    public string? Problem() =>
        Warning is > 0 and <= 100 && Throttle is > 0 and <= 100 && CircuitBreaker is > 0 and <= 100
            ? Warning <= Throttle && Throttle <= CircuitBreaker
                ? null
                : $"thresholds must satisfy warning <= throttle <= circuit breaker (are {Warning}, {Throttle}, {CircuitBreaker})"
            : $"thresholds must be percentages in (0, 100] (are {Warning}, {Throttle}, {CircuitBreaker})";
}

/// <summary>The runbook's named threshold sets (section 5.1).</summary>
public enum DiskThresholdPreset
{
    Default,
    Conservative,
    Aggressive,
}
