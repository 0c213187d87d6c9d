using PairDb.Client;

namespace PairDb.Chaos.Run;

/// <summary>
/// The seam between the runner and the workload/checker (chaos/Workload, chaos/Checking, chaos/History, built on
/// the `checker` branch): the runner starts it, shows its progress, and asks for the verdict after healing.
/// <see cref="ChaosWorkloads.Create"/> builds the implementation.
/// </summary>
public interface IChaosWorkload
{
    /// <summary>The tenant the workload writes (the convergence check reads its keys from every replica).</summary>
    string Tenant { get; }

    /// <summary>Runs the operations for <paramref name="duration"/>; <paramref name="progress"/> about once a second.</summary>
    Task<OperationCounts> RunAsync(TimeSpan duration, Action<WorkloadTick> progress, CancellationToken ct);

    /// <summary>After healing: reads the final state (retrying up to <paramref name="finalReadTimeout"/>) and checks the history.</summary>
    Task<CheckOutcome> CheckAsync(TimeSpan finalReadTimeout, CancellationToken ct);

    /// <summary>Every key the workload wrote or deleted.</summary>
    IReadOnlyCollection<string> KeysTouched { get; }
}

/// <summary>Counts so far, for the progress line.</summary>
public sealed record WorkloadTick(long Operations, long Ok, long Failed, long Unknown);

/// <summary>Operations by kind (put, put-with-context, delete, read-one, ...) and outcome (ok, fail, unknown).</summary>
/// <param name="ByKind">Outcome counts by operation kind.</param>
/// <param name="Errors">Failed and unknown outcomes by "outcome CODE" (e.g. "unknown TIMEOUT"), so a run says why.</param>
public sealed record OperationCounts(IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> ByKind, IReadOnlyDictionary<string, long>? Errors = null)
{
    public long Total => ByKind.Values.Sum(o => o.Values.Sum());
}

/// <summary>One counter-example: its kind (e.g. lost-write, divergent-replicas), the key, and a one-line explanation.</summary>
public sealed record Finding(string Kind, string Key, string Explanation);

/// <summary>The checker's verdict on the history and the final state.</summary>
public sealed record CheckOutcome(bool Valid, IReadOnlyList<Finding> Findings, IReadOnlyDictionary<string, int> CountsByKind);

/// <summary>Builds a workload over the coordinators' endpoints with clients from <c>clientFactory</c>.</summary>
/// <param name="HistoryPath">Where the run's history is written as JSON; null for nowhere.</param>
public sealed record WorkloadSettings(int Seed, int Clients, IReadOnlyList<Uri> Endpoints, Func<Uri, PairDbClient> ClientFactory, string? HistoryPath = null);
