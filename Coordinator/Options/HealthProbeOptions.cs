using Microsoft.Extensions.Options;

namespace PairDb.Coordinator.Options;

/// <summary>How storage nodes are probed (grpc.health.v1). Section <c>PairDb:HealthProbe</c>.</summary>
public sealed class HealthProbeOptions
{
    public const string Section = "PairDb:HealthProbe";

    /// <summary>Time between probe rounds. Default 2 seconds.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Deadline of one probe. Default 1 second.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive failed probes before an UP node is marked DOWN. Default 2 (one lost packet is not an outage).</summary>
    public int FailureThreshold { get; set; } = 2;
}

public sealed class HealthProbeOptionsValidator : IValidateOptions<HealthProbeOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthProbeOptions options)
    {
        var failures = new List<string>();
        if (options.Interval <= TimeSpan.Zero)
        {
            failures.Add($"{HealthProbeOptions.Section}:Interval {options.Interval} must be positive");
        }
        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{HealthProbeOptions.Section}:Timeout {options.Timeout} must be positive");
        }
        if (options.FailureThreshold < 1)
        {
            failures.Add($"{HealthProbeOptions.Section}:FailureThreshold {options.FailureThreshold} must be at least 1");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
