using Microsoft.Extensions.Options;

namespace PairDb.Coordinator.Options;

/// <summary>How far clocks may drift before they are distrusted. Section <c>PairDb:Coordinator:Clock</c>.</summary>
public sealed class ClockOptions
{
    public const string Section = "PairDb:Coordinator:Clock";

    /// <summary>
    /// The largest clock offset tolerated, between a node and the cluster time, and between this coordinator and
    /// the median of the nodes. Beyond it a node is warned about, and this coordinator corrects its cluster time by
    /// the median node offset. Default 30 seconds: NTP keeps clocks within milliseconds, so this is only ever
    /// crossed by a broken clock, while a bound this loose never chases a round trip's jitter.
    /// </summary>
    public TimeSpan MaxOffset { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a node's measured offset counts towards the median after it was taken (a node that stopped
    /// answering no longer votes). Default 1 minute.
    /// </summary>
    public TimeSpan OffsetFreshness { get; set; } = TimeSpan.FromMinutes(1);
}

public sealed class ClockOptionsValidator : IValidateOptions<ClockOptions>
{
    public ValidateOptionsResult Validate(string? name, ClockOptions options)
    {
        var failures = new List<string>();
        if (options.MaxOffset <= TimeSpan.Zero)
        {
            failures.Add($"{ClockOptions.Section}:MaxOffset {options.MaxOffset} must be positive");
        }
        if (options.OffsetFreshness <= TimeSpan.Zero)
        {
            failures.Add($"{ClockOptions.Section}:OffsetFreshness {options.OffsetFreshness} must be positive");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
