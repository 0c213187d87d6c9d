using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace PairDb.Client;

/// <summary>
/// The Polly pipeline every call runs through: retry (outer) around a circuit breaker (inner), so each
/// attempt is one sample of the breaker and an open circuit stops the retries at once.
/// </summary>
internal static class ClientPipeline
{
    public static ResiliencePipeline Build(PairDbClientOptions options)
    {
        var builder = new ResiliencePipelineBuilder
        {
            Name = "pairdb-client",
            // Null unless the caller asked for Polly telemetry (off by default).
            TelemetryListener = options.ResilienceTelemetry,
        };

        var retry = options.Retry;
        if (retry.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<PairDbClientException>(IsRetriable),
                MaxRetryAttempts = retry.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                Delay = retry.BaseDelay,
                MaxDelay = retry.MaxDelay,
                UseJitter = retry.UseJitter,
            });
        }

        var breaker = options.CircuitBreaker;
        if (breaker.Enabled)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<PairDbClientException>(ClientErrors.CountsAgainstCircuit),
                FailureRatio = breaker.FailureRatio,
                MinimumThroughput = breaker.MinimumThroughput,
                SamplingDuration = breaker.SamplingDuration,
                BreakDuration = breaker.BreakDuration,
            });
        }

        return builder.Build();
    }

    /// <summary>
    /// Retriable exactly when the error table says so (2001, 2003, 2004, 2005; a bare Unavailable
    /// reads as 2001). An open circuit is not retried: waiting out the backoff would not close it.
    /// </summary>
    private static bool IsRetriable(PairDbClientException exception) =>
        exception is not PairDbCircuitOpenException && exception.Retriable;
}
