namespace PairDb.Chaos.Faults;

/// <summary>What became of one scheduled fault: when it was really applied and healed (seconds since the workload started), or why not.</summary>
public sealed class FaultRecord(FaultEvent planned)
{
    public FaultEvent Planned { get; } = planned;

    public double? AppliedAt { get; set; }

    public double? HealedAt { get; set; }

    /// <summary>Set when applying or healing failed (the run goes on; the final heal retries).</summary>
    public string? Error { get; set; }

    /// <summary>What the fault did beyond its description, e.g. the ballast's size.</summary>
    public string? Detail { get; set; }
}
