namespace PairDb.Client;

/// <summary>
/// Exponential backoff with jitter for the retriable codes only: NODE_NOT_READY (2001), DISK_THROTTLED
/// (2003), QUORUM_NOT_MET (2004), TIMEOUT (2005), and a plain gRPC Unavailable without pairdb details
/// (a refused connection). Never for 1xxx, DISK_FULL (2002) or INTERNAL (2000).
/// </summary>
public sealed class PairDbRetryOptions
{
    /// <summary>Calls made in all, the first included; 1 turns retries off. Default 3 (runbook 4.1 MAX_RETRIES).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Delay before the first retry; it doubles on each further one. Default 100 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Ceiling of any one delay. Default 2 seconds.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Randomises delays so that many clients throttled at once do not retry in lockstep
    /// (runbook 4.2). Default true.
    /// </summary>
    public bool UseJitter { get; set; } = true;

    internal void Validate()
    {
        if (MaxAttempts is < 1 or > 100)
        {
            throw new ArgumentException($"Retry.{nameof(MaxAttempts)} must be 1..100 (is {MaxAttempts})", nameof(MaxAttempts));
        }

        if (BaseDelay < TimeSpan.Zero || BaseDelay > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"Retry.{nameof(BaseDelay)} must be 0..1 day (is {BaseDelay})", nameof(BaseDelay));
        }

        if (MaxDelay < BaseDelay)
        {
            throw new ArgumentException($"Retry.{nameof(MaxDelay)} must be at least Retry.{nameof(BaseDelay)} (is {MaxDelay} < {BaseDelay})", nameof(MaxDelay));
        }
    }
}
