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

    /// <summary>
    /// Coalesce concurrent CoordinatedWrite / ReplicaWrite / Read calls to one node into batch RPCs
    /// (one engine write and one group commit per batch). Default true.
    /// </summary>
    public bool CoalesceCalls { get; set; } = true;

    /// <summary>
    /// Batch RPCs of one kind in flight per node; more calls wait for the next batch. Default 8: with
    /// fewer, one batch stuck behind a hot key's lock holds up every other key (measured with YCSB B).
    /// </summary>
    public int BatchConcurrency { get; set; } = 8;

    /// <summary>
    /// Most calls in one batch RPC. Default 128. A batch also stops short of
    /// <c>PairDb:Coordinator:Validation:MaxBatchBytes</c> of requests (a larger single call goes alone).
    /// </summary>
    public int MaxBatchSize { get; set; } = 128;

    /// <summary>
    /// Calls of one kind to one node that may wait for a batch slot; a call arriving at a full queue fails at once
    /// with OVERLOADED (2006, retriable, nothing sent) and counts in <c>replica_queue_full_total</c>. Default 2048:
    /// two full rounds of batches (BatchConcurrency 8 x MaxBatchSize 128 x 2). A call behind more than two full
    /// rounds would likely outwait its replica timeout anyway, and 2048 waiting calls of a node and kind hold at
    /// most that many request references (their bytes are bounded by the coordinator's in-flight limit). Must be
    /// at least MaxBatchSize, so a full batch can gather.
    /// </summary>
    public int QueueCapacity { get; set; } = 2048;

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
        if (options.BatchConcurrency < 1 || options.MaxBatchSize < 1)
        {
            failures.Add($"{P}BatchConcurrency {options.BatchConcurrency} and {P}MaxBatchSize {options.MaxBatchSize} must be at least 1");
        }
        if (options.QueueCapacity < options.MaxBatchSize || options.QueueCapacity > 1_048_576)
        {
            failures.Add($"{P}QueueCapacity {options.QueueCapacity} must be in {P}MaxBatchSize ({options.MaxBatchSize})..1048576");
        }
        if (string.IsNullOrWhiteSpace(options.ClientIdHeader) || string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add($"{P}ClientIdHeader and {P}ClientId must not be empty");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
