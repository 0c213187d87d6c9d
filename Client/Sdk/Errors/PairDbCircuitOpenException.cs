using Grpc.Core;
using PairDb.Contracts.Errors;

namespace PairDb.Client;

/// <summary>
/// The client's circuit breaker is open after repeated server failures: the call was not sent.
/// Carries NODE_NOT_READY (2001), the code of a service that cannot take requests now.
/// </summary>
public sealed class PairDbCircuitOpenException : PairDbClientException
{
    public PairDbCircuitOpenException(TimeSpan? retryAfter, Exception innerException)
        : base(ErrorCode.NodeNotReady, Explain(retryAfter), StatusCode.Unavailable, attempts: 0, innerException)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>When the breaker lets a trial call through, if known.</summary>
    public TimeSpan? RetryAfter { get; }

    private static string Explain(TimeSpan? retryAfter) =>
        retryAfter is { } wait
            ? $"client circuit breaker is open after repeated failures; next trial call in {wait.TotalSeconds:0.###} s"
            : "client circuit breaker is open after repeated failures";
}
