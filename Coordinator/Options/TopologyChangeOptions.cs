using Microsoft.Extensions.Options;

namespace PairDb.Coordinator.Options;

/// <summary>
/// Bootstrap and decommission (TOPOLOGY.md "Configuration"). Section <c>PairDb:Topology</c>, shared
/// with <see cref="TopologyOptions"/> (cleanup grace, change job interval); the streaming knobs are
/// runbook 3.3's (batch_size, stream_buffer, max_concurrent_streams).
/// </summary>
public sealed class TopologyChangeOptions
{
    public const string Section = "PairDb:Topology";

    /// <summary>Keys per streamed batch. Default 1000.</summary>
    public int StreamBatchSize { get; set; } = 1000;

    /// <summary>Keys buffered between receiving and applying on the target. Default 10000.</summary>
    public int StreamBuffer { get; set; } = 10_000;

    /// <summary>Streams one node takes part in at once, as source or target. Default 2.</summary>
    public int MaxConcurrentStreams { get; set; } = 2;

    /// <summary>Pull rate cap per stream in MB/s; 0 = unlimited. Default 0.</summary>
    public double MaxStreamMegabytesPerSecond { get; set; }

    /// <summary>true: AddStorageNode starts streaming at once; false: the change waits for POST /api/v1/rebalance/start. Default true.</summary>
    public bool AutoStart { get; set; } = true;

    /// <summary>
    /// How often the change supervisor checks that every active change has its job (and refreshes
    /// concurrent_bootstraps_gauge). The job itself re-fires every TopologyOptions.ChangeJobInterval.
    /// Default 2 seconds.
    /// </summary>
    public TimeSpan RunInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often copy progress is persisted (the resume point of every stream). Default 1 second.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First wait after a source or target was unreachable; doubled per failure up to <see cref="MaxRetryBackoff"/>. Default 500 ms.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between retries of an unreachable node. Default 15 seconds.</summary>
    public TimeSpan MaxRetryBackoff { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A stream that reports no progress for this long is cancelled and resumed. Default 2 minutes.</summary>
    public TimeSpan StreamStallTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Re-fetches of a range whose digests still differ before the change proceeds anyway. Default 3.</summary>
    public int MaxResyncAttempts { get; set; } = 3;

    /// <summary>Disk usage (percent) above which a target is refused, when its /health does not say its own threshold. Default 80.</summary>
    public double DiskWarningPercent { get; set; } = 80;
}

public sealed class TopologyChangeOptionsValidator : IValidateOptions<TopologyChangeOptions>
{
    public ValidateOptionsResult Validate(string? name, TopologyChangeOptions options)
    {
        const string P = TopologyChangeOptions.Section + ":";
        var failures = new List<string>();
        if (options.StreamBatchSize is < 1 or > 100_000)
        {
            failures.Add($"{P}StreamBatchSize {options.StreamBatchSize} must be in 1..100000");
        }
        if (options.StreamBuffer < options.StreamBatchSize)
        {
            failures.Add($"{P}StreamBuffer {options.StreamBuffer} must be at least StreamBatchSize ({options.StreamBatchSize})");
        }
        if (options.MaxConcurrentStreams is < 1 or > 64)
        {
            failures.Add($"{P}MaxConcurrentStreams {options.MaxConcurrentStreams} must be in 1..64");
        }
        if (options.MaxStreamMegabytesPerSecond < 0)
        {
            failures.Add($"{P}MaxStreamMegabytesPerSecond {options.MaxStreamMegabytesPerSecond} must not be negative (0 = unlimited)");
        }
        if (options.RunInterval <= TimeSpan.Zero || options.ProgressInterval <= TimeSpan.Zero || options.StreamStallTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{P}RunInterval, {P}ProgressInterval and {P}StreamStallTimeout must be positive");
        }
        if (options.RetryBackoff <= TimeSpan.Zero || options.MaxRetryBackoff < options.RetryBackoff)
        {
            failures.Add($"{P}RetryBackoff must be positive and at most {P}MaxRetryBackoff");
        }
        if (options.MaxResyncAttempts is < 0 or > 100)
        {
            failures.Add($"{P}MaxResyncAttempts {options.MaxResyncAttempts} must be in 0..100");
        }
        if (options.DiskWarningPercent is <= 0 or > 100)
        {
            failures.Add($"{P}DiskWarningPercent {options.DiskWarningPercent} must be in (0, 100]");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
