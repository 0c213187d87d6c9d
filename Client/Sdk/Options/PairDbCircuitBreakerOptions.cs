namespace PairDb.Client;

/// <summary>
/// The client-side circuit breaker (runbook 4.2): once enough calls in a window fail with a server
/// error (2xxx, or a transport failure), calls fail at once with <see cref="PairDbCircuitOpenException"/>
/// for <see cref="BreakDuration"/>, then one trial call decides whether it closes again.
/// Client errors (1xxx) never count: they say nothing about the service's health.
/// </summary>
public sealed class PairDbCircuitBreakerOptions
{
    /// <summary>False turns the breaker off. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Share of failed attempts in the window that opens the circuit, in (0, 1]. Default 0.5.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Attempts the window must hold before the ratio counts (at least 2). Default 10.</summary>
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>Length of the window the ratio is measured over (at least 0.5 s). Default 30 seconds.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the circuit stays open before a trial call (at least 0.5 s). Default 30 seconds.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (!(FailureRatio > 0 && FailureRatio <= 1))
        {
            throw new ArgumentException($"CircuitBreaker.{nameof(FailureRatio)} must be in (0, 1] (is {FailureRatio})", nameof(FailureRatio));
        }

        if (MinimumThroughput < 2)
        {
            throw new ArgumentException($"CircuitBreaker.{nameof(MinimumThroughput)} must be at least 2 (is {MinimumThroughput})", nameof(MinimumThroughput));
        }

        if (SamplingDuration < TimeSpan.FromMilliseconds(500) || SamplingDuration > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"CircuitBreaker.{nameof(SamplingDuration)} must be 0.5 s..1 day (is {SamplingDuration})", nameof(SamplingDuration));
        }

        if (BreakDuration < TimeSpan.FromMilliseconds(500) || BreakDuration > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"CircuitBreaker.{nameof(BreakDuration)} must be 0.5 s..1 day (is {BreakDuration})", nameof(BreakDuration));
        }
    }
}
