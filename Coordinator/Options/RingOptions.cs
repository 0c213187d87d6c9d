using Microsoft.Extensions.Options;

namespace PairDb.Coordinator.Options;

/// <summary>Ring and replication settings. Section <c>PairDb:Ring</c>.</summary>
public sealed class RingOptions
{
    public const string Section = "PairDb:Ring";

    /// <summary>N, the number of replicas of each key. Default 3.</summary>
    public int ReplicationFactor { get; set; } = 3;

    /// <summary>Tokens of a node registered with virtual_nodes = 0. Default 150.</summary>
    public int DefaultVirtualNodes { get; set; } = 150;

    /// <summary>The most tokens one node may take. Default 1024.</summary>
    public int MaxVirtualNodes { get; set; } = 1024;

    /// <summary>
    /// How often storage_nodes is re-read to pick up changes made by other coordinators (this
    /// coordinator's own changes apply at once). Default 5 seconds.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
}

public sealed class RingOptionsValidator : IValidateOptions<RingOptions>
{
    public ValidateOptionsResult Validate(string? name, RingOptions options)
    {
        var failures = new List<string>();
        if (options.ReplicationFactor is < 1 or > 16)
        {
            failures.Add($"{RingOptions.Section}:ReplicationFactor {options.ReplicationFactor} is not in 1..16");
        }
        if (options.MaxVirtualNodes is < 1 or > 65536)
        {
            failures.Add($"{RingOptions.Section}:MaxVirtualNodes {options.MaxVirtualNodes} is not in 1..65536");
        }
        if (options.DefaultVirtualNodes < 1 || options.DefaultVirtualNodes > options.MaxVirtualNodes)
        {
            failures.Add($"{RingOptions.Section}:DefaultVirtualNodes {options.DefaultVirtualNodes} is not in 1..MaxVirtualNodes ({options.MaxVirtualNodes})");
        }
        if (options.RefreshInterval <= TimeSpan.Zero)
        {
            failures.Add($"{RingOptions.Section}:RefreshInterval {options.RefreshInterval} must be positive");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
