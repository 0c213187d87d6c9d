using PairDb.Chaos.Run;

namespace PairDb.Chaos.Report;

/// <summary>Everything a run found: what ran, what the nemesis did, and the verdict. <c>--json</c> prints it whole.</summary>
public sealed class ChaosReport
{
    public required int Seed { get; init; }

    public required int DurationSeconds { get; init; }

    public required int Nodes { get; init; }

    public required int Coordinators { get; init; }

    public required IReadOnlyList<string> FaultsRequested { get; init; }

    /// <summary>Requested kinds this machine cannot inject, with why (not root, no <c>ip netns</c>, no libfaketime).</summary>
    public IReadOnlyDictionary<string, string> FaultsRefused { get; init; } = new Dictionary<string, string>();

    /// <summary>Processes in network namespaces (network faults possible) or all on 127.0.0.1.</summary>
    public required bool Network { get; init; }

    /// <summary>Always false: the chaos cluster runs insecure (plaintext, no authentication).</summary>
    public bool Secure => false;

    public required string RunDirectory { get; init; }

    public OperationCounts? Operations { get; set; }

    public IReadOnlyDictionary<string, int> FaultsInjected { get; set; } = new Dictionary<string, int>();

    public IReadOnlyList<FaultLine> Faults { get; set; } = [];

    public VerdictReport? Verdict { get; set; }

    /// <summary>Set when the run could not complete (the cluster did not start or heal); the exit code is 3.</summary>
    public string? Error { get; set; }

    public IReadOnlyDictionary<string, double> PhaseSeconds { get; set; } = new Dictionary<string, double>();
}

public sealed record FaultLine(int Index, string Kind, string Description, double PlannedAt, double PlannedSeconds, double? AppliedAt, double? HealedAt, string? Detail, string? Error);

/// <summary>
/// Valid when the checker accepts the history and final state, the hint backlog drains and the replicas converge,
/// each within its stated time after healing.
/// </summary>
public sealed record VerdictReport(bool Valid, CheckOutcome Checker, HintsReport Hints, ConvergenceReport Convergence);

public sealed record HintsReport(bool Drained, double? DrainedAfterSeconds, double TimeoutSeconds, string Last);

public sealed record ConvergenceReport(bool Converged, double? ConvergedAfterSeconds, double TimeoutSeconds, int KeysChecked, IReadOnlyList<Finding> Divergent);
