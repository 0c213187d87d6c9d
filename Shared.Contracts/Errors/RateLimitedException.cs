namespace PairDb.Contracts.Errors;

/// <summary>
/// RATE_LIMITED (2007) with the delay after which the tenant's bucket holds enough for the refused request;
/// travels as ErrorInfo metadata <see cref="RetryAfterMetadataKey"/> and in the message.
/// </summary>
public sealed class RateLimitedException(TimeSpan retryAfter, string message) : PairDbException(ErrorCode.RateLimited, message)
{
    /// <summary>ErrorInfo.metadata key holding the advised delay in whole milliseconds.</summary>
    public const string RetryAfterMetadataKey = "retry_after_ms";

    public TimeSpan RetryAfter { get; } = retryAfter;

    /// <summary>The delay as the metadata carries it: whole milliseconds, at least 1.</summary>
    public long RetryAfterMs => Math.Max(1, (long)Math.Ceiling(RetryAfter.TotalMilliseconds));
}
