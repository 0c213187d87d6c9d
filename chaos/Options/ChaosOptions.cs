using PairDb.Chaos.Faults;

namespace PairDb.Chaos.Options;

/// <summary>What one chaos run does; parsed from the command line by <see cref="ChaosArguments"/>.</summary>
public sealed class ChaosOptions
{
    /// <summary>How long the workload runs under faults. Default 60 seconds.</summary>
    public int DurationSeconds { get; init; } = 60;

    /// <summary>The fault kinds the nemesis may inject. Default: all of them.</summary>
    public IReadOnlyList<FaultKind> Faults { get; init; } = Enum.GetValues<FaultKind>();

    /// <summary>Seeds the fault schedule and the workload: the same seed gives the same schedule. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Storage nodes (replication factor 3, so at least 3). Default 3.</summary>
    public int Nodes { get; init; } = 3;

    /// <summary>Coordinators sharing the PostgreSQL metadata; clients are spread over them. Default 1.</summary>
    public int Coordinators { get; init; } = 1;

    /// <summary>Concurrent workload clients. Default 8.</summary>
    public int Clients { get; init; } = 8;

    /// <summary>Print the report as JSON on stdout (progress goes to stderr). Default false.</summary>
    public bool Json { get; init; }

    /// <summary>Keep the run directory (logs, data) instead of removing it. Default false.</summary>
    public bool Keep { get; init; }

    /// <summary>Run every process on 127.0.0.1 without network namespaces (network faults refused). Default false.</summary>
    public bool NoNetwork { get; init; }

    /// <summary>Internal: the runner was re-executed inside the hub namespace of this prefix by the supervisor.</summary>
    public string? InsideNamespace { get; init; }

    /// <summary>Internal: the run directory the supervisor made.</summary>
    public string? WorkDirectory { get; init; }

    public bool NeedsNetwork => Faults.Any(FaultKinds.NeedsNetwork);
}
