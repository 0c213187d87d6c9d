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

    /// <summary>
    /// How long a put with a TTL waits, after this coordinator starts, for its clock to be checked against the
    /// nodes (the first health probe round) before it is refused with NODE_NOT_READY. Until then its TTL deadline
    /// would be taken from a clock nobody has checked, and a coordinator restarted with a slow clock would write
    /// deadlines already past. Default 5 seconds (the first probe round takes one round trip per node).
    /// </summary>
    public TimeSpan VerifyWait { get; set; } = TimeSpan.FromSeconds(5);
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
        if (options.VerifyWait < TimeSpan.Zero)
        {
            failures.Add($"{ClockOptions.Section}:VerifyWait {options.VerifyWait} must not be negative");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
