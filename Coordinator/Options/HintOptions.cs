using Microsoft.Extensions.Options;

namespace PairDb.Coordinator.Options;

/// <summary>Hinted handoff: storage, replay and cleanup of hints. Section <c>PairDb:Hints</c>.</summary>
public sealed class HintOptions
{
    public const string Section = "PairDb:Hints";

    /// <summary>How often the replay job looks for hints whose target is healthy. Default 5 seconds.</summary>
    public TimeSpan ReplayInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Hints sent to a node in one BatchReplicaWrite. Default 256.</summary>
    public int ReplayBatchSize { get; set; } = 256;

    /// <summary>Replay pace per target node, in hints per second, so a returning node is not flooded. Default 2000.</summary>
    public int ReplayRatePerSecond { get; set; } = 2000;

    /// <summary>Tries per hint; a hint that failed this many times is kept for inspection (runbook 5.4). Default 3.</summary>
    public int MaxReplayAttempts { get; set; } = 3;

    /// <summary>Wait before a failed hint is tried again, doubled per failure. Default 10 seconds.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Hints older than this are deleted by the cleanup job, replayed or not. Default 7 days.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the cleanup job runs. Default 1 hour.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Most hints stored for one target node; past it new hints for that node are dropped, counted in
    /// <c>hints_dropped_total</c> and logged (that node then relies on read repair). Default 1,000,000.
    /// </summary>
    public long MaxHintsPerNode { get; set; } = 1_000_000;

    /// <summary>Most hints written by one COPY; concurrent hints share it (group commit). Default 1024.</summary>
    public int MaxInsertBatch { get; set; } = 1024;

    /// <summary>
    /// Hints held in memory at once, waiting for or inside a COPY. Past it a hint is refused at once (counted in
    /// <c>hints_queue_full_total</c>, logged); a write that needed it before its answer gets TIMEOUT. Default 8192:
    /// eight full COPY batches, minutes of PostgreSQL stall at a normal failure rate, and a flood is refused
    /// before it costs more memory. Must be at least MaxInsertBatch.
    /// </summary>
    public int MaxQueuedHints { get; set; } = 8192;

    /// <summary>
    /// Payload bytes of the hints held in memory at once. Default 64 MiB: sixteen hints of the largest stored
    /// object (4 MiB), thousands of ordinary ones. A single hint larger than this is taken only alone.
    /// </summary>
    public long MaxQueuedHintBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// How long a batch of hints waits for its COPY into PostgreSQL before it goes to the local hint spool instead
    /// (and its writes are answered as the quorum allows). Default 500 ms: a slow or stopped PostgreSQL adds at most
    /// this to a write that needs a hint.
    /// </summary>
    public TimeSpan StoreBudget { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Bytes the hint spool (<c>StateDirectory/hint-spool/</c>) may hold on disk. Past it a hint is refused as when the
    /// hint queue is full (counted in <c>hint_spool_full_total</c>, logged). Default 1 GiB.
    /// </summary>
    public long SpoolMaxBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>
    /// How often the spool mover tries to move spooled hints into PostgreSQL (and, while PostgreSQL is away, to deliver
    /// them straight to targets that are back); also how long the writer goes straight to the spool after a failed COPY
    /// before it tries PostgreSQL again. Default 1 second.
    /// </summary>
    public TimeSpan SpoolDrainInterval { get; set; } = TimeSpan.FromSeconds(1);
}

public sealed class HintOptionsValidator : IValidateOptions<HintOptions>
{
    public ValidateOptionsResult Validate(string? name, HintOptions options)
    {
        const string P = HintOptions.Section + ":";
        var failures = new List<string>();
        if (options.ReplayInterval <= TimeSpan.Zero)
        {
            failures.Add($"{P}ReplayInterval {options.ReplayInterval} must be positive");
        }
        if (options.ReplayBatchSize is < 1 or > 10_000)
        {
            failures.Add($"{P}ReplayBatchSize {options.ReplayBatchSize} must be in 1..10000");
        }
        if (options.ReplayRatePerSecond < 1)
        {
            failures.Add($"{P}ReplayRatePerSecond {options.ReplayRatePerSecond} must be at least 1");
        }
        if (options.MaxReplayAttempts < 1)
        {
            failures.Add($"{P}MaxReplayAttempts {options.MaxReplayAttempts} must be at least 1");
        }
        if (options.RetryBackoff < TimeSpan.Zero)
        {
            failures.Add($"{P}RetryBackoff {options.RetryBackoff} must not be negative");
        }
        if (options.Ttl <= TimeSpan.Zero || options.CleanupInterval <= TimeSpan.Zero)
        {
            failures.Add($"{P}Ttl and {P}CleanupInterval must be positive");
        }
        if (options.MaxHintsPerNode < 1)
        {
            failures.Add($"{P}MaxHintsPerNode {options.MaxHintsPerNode} must be at least 1");
        }
        if (options.MaxInsertBatch is < 1 or > 100_000)
        {
            failures.Add($"{P}MaxInsertBatch {options.MaxInsertBatch} must be in 1..100000");
        }
        if (options.MaxQueuedHints < options.MaxInsertBatch)
        {
            failures.Add($"{P}MaxQueuedHints {options.MaxQueuedHints} must be at least {P}MaxInsertBatch ({options.MaxInsertBatch})");
        }
        if (options.MaxQueuedHintBytes < 1024 * 1024)
        {
            failures.Add($"{P}MaxQueuedHintBytes {options.MaxQueuedHintBytes} must be at least 1 MiB (1048576)");
        }
        if (options.StoreBudget <= TimeSpan.Zero)
        {
            failures.Add($"{P}StoreBudget {options.StoreBudget} must be positive");
        }
        if (options.SpoolMaxBytes < 1024 * 1024)
        {
            failures.Add($"{P}SpoolMaxBytes {options.SpoolMaxBytes} must be at least 1 MiB (1048576)");
        }
        if (options.SpoolDrainInterval <= TimeSpan.Zero)
        {
            failures.Add($"{P}SpoolDrainInterval {options.SpoolDrainInterval} must be positive");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
