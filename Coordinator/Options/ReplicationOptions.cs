using Microsoft.Extensions.Options;

namespace PairDb.Coordinator.Options;

/// <summary>
/// The quorum path: default quorums, per-replica deadline, the per-node circuit breaker and the
/// identity the coordinator presents to storage nodes. Section <c>PairDb:Replication</c>.
/// N itself is <see cref="RingOptions.ReplicationFactor"/>.
/// </summary>
public sealed class ReplicationOptions
{
    public const string Section = "PairDb:Replication";

    /// <summary>R when a read names neither a consistency level nor r. Default 2.</summary>
    public int DefaultReadQuorum { get; set; } = 2;

    /// <summary>W when a write names neither a consistency level nor w. Default 2.</summary>
    public int DefaultWriteQuorum { get; set; } = 2;

    /// <summary>Deadline of one call to one storage node (Polly timeout). Default 2 seconds.</summary>
    public TimeSpan ReplicaTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Share of failed calls in the sampling window that opens a node's breaker. Default 0.5.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Calls in the sampling window before the breaker may open. Default 5.</summary>
    public int BreakerMinimumThroughput { get; set; } = 5;

    /// <summary>Window over which failures are counted. Default 10 seconds.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an open breaker skips its node before letting one probe call through. Default 5 seconds.</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Header naming the caller to storage nodes. Default <c>x-pairdb-client-id</c> (the node's default).</summary>
    public string ClientIdHeader { get; set; } = "x-pairdb-client-id";

    /// <summary>
    /// The client id sent to storage nodes; list it in the nodes' <c>PairDb:StorageNode:Validation:TrustedClients</c>
    /// so they skip the checks this coordinator already made. Default <c>pairdb-coordinator</c>.
    /// </summary>
    public string ClientId { get; set; } = "pairdb-coordinator";
}

public sealed class ReplicationOptionsValidator : IValidateOptions<ReplicationOptions>
{
    public ValidateOptionsResult Validate(string? name, ReplicationOptions options)
    {
        const string P = ReplicationOptions.Section + ":";
        var failures = new List<string>();
        if (options.DefaultReadQuorum < 1)
        {
            failures.Add($"{P}DefaultReadQuorum {options.DefaultReadQuorum} must be at least 1");
        }
        if (options.DefaultWriteQuorum < 1)
        {
            failures.Add($"{P}DefaultWriteQuorum {options.DefaultWriteQuorum} must be at least 1");
        }
        if (options.ReplicaTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{P}ReplicaTimeout {options.ReplicaTimeout} must be positive");
        }
        if (options.BreakerFailureRatio is <= 0 or > 1)
        {
            failures.Add($"{P}BreakerFailureRatio {options.BreakerFailureRatio} must be in (0, 1]");
        }
        if (options.BreakerMinimumThroughput < 2)
        {
            failures.Add($"{P}BreakerMinimumThroughput {options.BreakerMinimumThroughput} must be at least 2");
        }
        if (options.BreakerSamplingDuration < TimeSpan.FromMilliseconds(500))
        {
            failures.Add($"{P}BreakerSamplingDuration {options.BreakerSamplingDuration} must be at least 500 ms");
        }
        if (options.BreakerBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            failures.Add($"{P}BreakerBreakDuration {options.BreakerBreakDuration} must be at least 500 ms");
        }
        if (string.IsNullOrWhiteSpace(options.ClientIdHeader) || string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add($"{P}ClientIdHeader and {P}ClientId must not be empty");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
