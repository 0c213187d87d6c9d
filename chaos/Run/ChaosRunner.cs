using System.Diagnostics;
using PairDb.Chaos.Cluster;
using PairDb.Chaos.Faults;
using PairDb.Chaos.Network;
using PairDb.Chaos.Options;
using PairDb.Chaos.Report;
using PairDb.Client;

namespace PairDb.Chaos.Run;

/// <summary>
/// One run: start the cluster, play the fault schedule while the workload runs, heal everything, wait until every
/// node is UP at every coordinator, then check (the checker's verdict, the hint backlog, replica convergence).
/// </summary>
public sealed class ChaosRunner(ChaosOptions options, NetworkLayout layout, string directory, TextWriter log)
{
    /// <summary>After healing, how long the cluster may take until every node is NORMAL and UP at every coordinator.</summary>
    public static readonly TimeSpan HealTimeout = TimeSpan.FromMinutes(2);

    /// <summary>How long the checker's final reads (consistency ALL) may retry.</summary>
    public static readonly TimeSpan FinalReadTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long after healing the hint backlog may take to reach 0 (replay runs every 5 s, 3 tries).</summary>
    public static readonly TimeSpan HintsTimeout = TimeSpan.FromSeconds(90);

    /// <summary>How long after the hints drained the replicas may take to store equal sibling sets.</summary>
    public static readonly TimeSpan ConvergenceTimeout = TimeSpan.FromSeconds(60);

    public async Task<ChaosReport> RunAsync(IReadOnlyDictionary<string, string> refused, CancellationToken ct)
    {
        var kinds = options.Faults.Where(k => !refused.ContainsKey(FaultKinds.Name(k))).ToArray();
        var topology = new ScheduleTopology(layout.Postgres.Name, layout.Coordinators.Select(c => c.Name).ToArray(), layout.Nodes.Select(n => n.Name).ToArray());
        var schedule = FaultSchedule.Generate(options.Seed, options.DurationSeconds, kinds, topology);
        var report = new ChaosReport
        {
            Seed = options.Seed, DurationSeconds = options.DurationSeconds, Nodes = options.Nodes, Coordinators = options.Coordinators,
            FaultsRequested = options.Faults.Select(FaultKinds.Name).ToArray(), FaultsRefused = refused, Network = layout.HasNetwork, RunDirectory = directory,
        };
        log.WriteLine($"chaos: seed {options.Seed}, {options.DurationSeconds}s, {schedule.Count} faults scheduled ({string.Join(", ", kinds.Select(FaultKinds.Name))}), run directory {directory}");
        var phases = new Dictionary<string, double>();
        var phase = Stopwatch.StartNew();
        ChaosCluster? cluster = null;
        Nemesis? nemesis = null;
        var clock = new Stopwatch();
        try
        {
            cluster = await ChaosCluster.StartAsync(layout, directory, kinds.Contains(FaultKind.DiskFull), log, ct);
            phases["start"] = Lap(phase);
            var workload = ChaosWorkloads.Create(new WorkloadSettings(options.Seed, options.Clients, cluster.CoordinatorEndpoints, NewClient, Path.Combine(directory, "history.json")));
            nemesis = new Nemesis(cluster, layout.HasNetwork ? new PacketRules(layout) : null, FakeTime.LibraryPath(), log);
            using var stopNemesis = CancellationTokenSource.CreateLinkedTokenSource(ct);
            clock.Start();
            var faults = nemesis.RunAsync(schedule, clock, stopNemesis.Token);
            var progress = new ProgressLine(log, clock, nemesis);
            report.Operations = await workload.RunAsync(TimeSpan.FromSeconds(options.DurationSeconds), progress.Report, ct);
            await stopNemesis.CancelAsync();
            await faults;
            phases["workload"] = Lap(phase);

            log.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0}s] healing everything");
            await nemesis.HealAllAsync(clock.Elapsed.TotalSeconds, ct);
            await cluster.WaitHealthyAsync(HealTimeout, ct);
            phases["heal"] = Lap(phase);
            log.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0}s] healed: every node UP at every coordinator; checking");

            var checker = await workload.CheckAsync(FinalReadTimeout, ct);
            phases["checker"] = Lap(phase);
            var (drainedAfter, hintsLast) = await HintBacklog.WaitDrainedAsync(cluster, HintsTimeout, ct);
            phases["hints"] = Lap(phase);
            var keys = workload.KeysTouched;
            var (convergedAfter, divergent) = await ReplicaConvergence.WaitAsync(cluster, workload.Tenant, keys, ConvergenceTimeout, ct);
            phases["convergence"] = Lap(phase);
            var hints = new HintsReport(drainedAfter is not null, drainedAfter?.TotalSeconds, HintsTimeout.TotalSeconds, hintsLast);
            var convergence = new ConvergenceReport(convergedAfter is not null, convergedAfter?.TotalSeconds, ConvergenceTimeout.TotalSeconds, keys.Count, divergent.Take(10).ToArray());
            report.Verdict = new VerdictReport(checker.Valid && hints.Drained && convergence.Converged, checker, hints, convergence);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            report.Error = "interrupted";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever broke the run (a host that would not start or heal, PostgreSQL, a command), the report says it.
            report.Error = $"{e.GetType().Name}: {e.Message}";
            log.WriteLine($"run failed: {report.Error}");
        }
        finally
        {
            if (nemesis is not null)
            {
                report.Faults = nemesis.Records.OrderBy(r => r.Planned.Index).Select(r => new FaultLine(r.Planned.Index, FaultKinds.Name(r.Planned.Kind), r.Planned.Describe(),
                    r.Planned.AtSeconds, r.Planned.DurationSeconds, r.AppliedAt, r.HealedAt, r.Detail, r.Error)).ToArray();
                report.FaultsInjected = nemesis.Records.Where(r => r.AppliedAt is not null).GroupBy(r => FaultKinds.Name(r.Planned.Kind))
                    .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
            }
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
            report.PhaseSeconds = phases;
        }
        return report;
    }

    private static double Lap(Stopwatch phase)
    {
        var seconds = Math.Round(phase.Elapsed.TotalSeconds, 1);
        phase.Restart();
        return seconds;
    }

    // No SDK retries: a retried call hides whether its earlier attempts applied (the history needs every outcome).
    // No SDK circuit breaker: once open (ALL operations fail while any replica is down) its refusals are instant, the
    // closed-loop clients spun at thousands of refused calls a second and almost nothing reached the cluster for a
    // minute (seed 16); the faults must meet real calls.
    private static PairDbClient NewClient(Uri endpoint) => new(new PairDbClientOptions
    {
        Endpoint = endpoint,
        Retry = new PairDbRetryOptions { MaxAttempts = 1 },
        CircuitBreaker = new PairDbCircuitBreakerOptions { Enabled = false },
    });
}
