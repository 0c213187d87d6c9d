namespace PairDb.Bench.Load;

/// <summary>
/// Issues call number <paramref name="call"/> (0-based, unique across the phase's callers) for caller
/// <paramref name="caller"/> and returns how many of its items failed (0 when all succeeded). A thrown
/// exception fails every item of the call.
/// </summary>
public delegate ValueTask<int> LoadCall(int caller, long call, CancellationToken cancellationToken);

/// <summary>
/// One timed phase: <see cref="Callers"/> concurrent async callers, each issuing its next call when the
/// previous one answers (closed loop), until <see cref="MaxCalls"/> calls were issued or
/// <see cref="Duration"/> has passed, whichever comes first. With <see cref="CallsPerSecond"/> the callers
/// follow a fixed schedule instead (call n is due at start + n / rate) and latency is measured from the due
/// time, so a stalled server is charged for the calls it delayed (no coordinated omission).
/// </summary>
public sealed class LoadPhase
{
    public required string Name { get; init; }

    public required int Callers { get; init; }

    /// <summary>Items each call carries: 1 for single operations, the batch size for batch calls.</summary>
    public int ItemsPerCall { get; init; } = 1;

    public required LoadCall Call { get; init; }

    public long? MaxCalls { get; init; }

    public TimeSpan? Duration { get; init; }

    public double? CallsPerSecond { get; init; }

    /// <summary>
    /// Ends the phase early and cleanly once cancelled (e.g. when a bootstrap completes): callers issue no
    /// further call, calls in flight finish and count. Unlike the run's cancellation token it is no error.
    /// </summary>
    public CancellationToken Until { get; init; }

    /// <summary>Where calls note why an item failed; the driver notes thrown exceptions here too.</summary>
    public FirstError Errors { get; init; } = new();

    /// <summary>The operation family this phase's figures are compared under, e.g. <c>write</c> or <c>read</c>.</summary>
    public string Kind { get; init; } = "";
}
