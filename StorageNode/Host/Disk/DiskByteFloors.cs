namespace PairDb.StorageNode.Disk;

/// <summary>
/// Available bytes on the data volume below which the disk manager warns, throttles and breaks the circuit, whatever
/// the usage percentage: on a small volume the percentages alone engage too late for the engine's next commit-log
/// segment, memtable flush or compaction output, which then fail with ENOSPC. Zero disables a floor.
/// </summary>
public readonly record struct DiskByteFloors(long Warning, long Throttle, long CircuitBreaker)
{
    public static DiskByteFloors None { get; } = new(0, 0, 0);

    /// <summary>Null when usable, else why not (named after the configuration keys).</summary>
    public string? Problem() =>
        Warning < 0 || Throttle < 0 || CircuitBreaker < 0
            ? $"byte floors must not be negative (are {Warning}, {Throttle}, {CircuitBreaker})"
            : Warning >= Throttle && Throttle >= CircuitBreaker
                ? null
                : $"byte floors must satisfy warning >= throttle >= circuit breaker (are {Warning}, {Throttle}, {CircuitBreaker})";
}
