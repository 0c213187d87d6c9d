using Microsoft.Extensions.Options;

namespace PairDb.Coordinator.Options;

/// <summary>
/// How often the coordinator asks PostgreSQL whether it is there (<see cref="Data.MetadataAvailability"/>).
/// Section <c>PairDb:Metadata</c>.
/// </summary>
public sealed class MetadataProbeOptions
{
    public const string Section = "PairDb:Metadata";

    /// <summary>Time between two <c>SELECT 1</c>. Default 1 second.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long one probe (connect and <c>SELECT 1</c>) may take before PostgreSQL counts as unavailable; also the
    /// connect budget of start-up's first read, so a coordinator with a snapshot starts promptly. Default 2 seconds.
    /// </summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long start-up waits for PostgreSQL's first answer when there is no ring snapshot to serve instead. A probe
    /// that gets no answer within <see cref="ProbeTimeout"/> says "slow" (a loaded host, a server just started), not
    /// "down": with nothing else to serve, giving up then would turn a slow database into a coordinator that does not
    /// start. A refused connection still fails start-up at once. Default 30 seconds; at least ProbeTimeout.
    /// </summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class MetadataProbeOptionsValidator : IValidateOptions<MetadataProbeOptions>
{
    public ValidateOptionsResult Validate(string? name, MetadataProbeOptions options)
    {
        var failures = new List<string>();
        if (options.ProbeInterval <= TimeSpan.Zero)
        {
            failures.Add($"{MetadataProbeOptions.Section}:ProbeInterval {options.ProbeInterval} must be positive");
        }
        if (options.ProbeTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{MetadataProbeOptions.Section}:ProbeTimeout {options.ProbeTimeout} must be positive");
        }
        if (options.StartupTimeout < options.ProbeTimeout)
        {
            failures.Add($"{MetadataProbeOptions.Section}:StartupTimeout {options.StartupTimeout} must be at least ProbeTimeout {options.ProbeTimeout}");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
