using Microsoft.Extensions.Options;

namespace PairDb.StorageNode.Disk;

/// <summary>Start-up (and reload) check of <see cref="DiskOptions"/>; each failure names its setting.</summary>
public sealed class DiskOptionsValidator : IValidateOptions<DiskOptions>
{
    public ValidateOptionsResult Validate(string? name, DiskOptions options)
    {
        const string Prefix = DiskOptions.SectionName + ":";
        var problems = new List<string>();
        if (options.EffectiveThresholds().Problem() is { } thresholds)
        {
            problems.Add($"{Prefix}WarningThreshold/ThrottleThreshold/CircuitBreakerThreshold: {thresholds}");
        }

        if (options.ThrottleWriteSizeBytes < 0)
        {
            problems.Add($"{Prefix}ThrottleWriteSizeBytes must not be negative (is {options.ThrottleWriteSizeBytes})");
        }

        if (options.SampleInterval < TimeSpan.FromMilliseconds(10))
        {
            problems.Add($"{Prefix}SampleInterval must be at least 10 ms (is {options.SampleInterval})");
        }

        if (options.WarningLogInterval <= TimeSpan.Zero)
        {
            problems.Add($"{Prefix}WarningLogInterval must be positive (is {options.WarningLogInterval})");
        }

        if (options.CircuitBreakerMinAvailableBytes is < 0 || options.ThrottleMinAvailableBytes is < 0 || options.WarningMinAvailableBytes is < 0)
        {
            problems.Add($"{Prefix}CircuitBreakerMinAvailableBytes/ThrottleMinAvailableBytes/WarningMinAvailableBytes must not be negative");
        }
        else if (options.EffectiveFloors(0).Problem() is { } floors)
        {
            problems.Add($"{Prefix}WarningMinAvailableBytes/ThrottleMinAvailableBytes/CircuitBreakerMinAvailableBytes: {floors}");
        }

        if (options.CapacityBytes is <= 0)
        {
            problems.Add($"{Prefix}CapacityBytes must be positive when set (is {options.CapacityBytes})");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
