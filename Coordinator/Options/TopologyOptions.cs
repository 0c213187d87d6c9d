using Microsoft.Extensions.Options;

namespace PairDb.Coordinator.Options;

/// <summary>
/// Topology changes (bootstrap, decommission) and the cleanup that follows them. Section
/// <c>PairDb:Topology</c> (docs: TOPOLOGY.md, runbook 5).
/// </summary>
public sealed class TopologyOptions
{
    public const string Section = "PairDb:Topology";

    /// <summary>
    /// How long a node that gave ranges up keeps their data after the change completed, before the
    /// cleanup job may drop it (runbook 5.2: 24-hour grace period). Default 24 hours.
    /// </summary>
    public TimeSpan CleanupGracePeriod { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the cleanup job looks for due cleanups and retries failed ones. Default 5 minutes.</summary>
    public TimeSpan CleanupRetryInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Failed cleanup attempts on a node that is no longer in storage_nodes after which its task is
    /// given up as <c>skipped_node_gone</c> (a decommissioned node's process may be gone for good).
    /// Default 3.
    /// </summary>
    public int CleanupMaxAttemptsOnGoneNode { get; set; } = 3;

    /// <summary>
    /// Deadline of one safety-check or drop call (RangeDigests, CheckRangeCoverage, DropRanges): these
    /// scan whole ranges, so they get far longer than a replica write. Default 10 minutes.
    /// </summary>
    public TimeSpan CleanupCallTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How often the Quartz job of one topology change re-fires while the change is not finished, so a
    /// change whose coordinator died is driven again by another. Default 30 seconds.
    /// </summary>
    public TimeSpan ChangeJobInterval { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class TopologyOptionsValidator : IValidateOptions<TopologyOptions>
{
    public ValidateOptionsResult Validate(string? name, TopologyOptions options)
    {
        const string P = TopologyOptions.Section + ":";
        var failures = new List<string>();
        if (options.CleanupGracePeriod < TimeSpan.Zero)
        {
            failures.Add($"{P}CleanupGracePeriod {options.CleanupGracePeriod} must not be negative");
        }
        if (options.CleanupRetryInterval <= TimeSpan.Zero)
        {
            failures.Add($"{P}CleanupRetryInterval {options.CleanupRetryInterval} must be positive");
        }
        if (options.CleanupMaxAttemptsOnGoneNode < 1)
        {
            failures.Add($"{P}CleanupMaxAttemptsOnGoneNode {options.CleanupMaxAttemptsOnGoneNode} must be at least 1");
        }
        if (options.CleanupCallTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{P}CleanupCallTimeout {options.CleanupCallTimeout} must be positive");
        }
        if (options.ChangeJobInterval <= TimeSpan.Zero)
        {
            failures.Add($"{P}ChangeJobInterval {options.ChangeJobInterval} must be positive");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
