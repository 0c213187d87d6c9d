using System.Diagnostics;
using PairDb.Chaos.Cluster;
using PairDb.Chaos.Network;

namespace PairDb.Chaos.Faults;

/// <summary>
/// Plays a <see cref="FaultSchedule"/> against the cluster: each fault applied at its time and healed when its
/// duration ends, each with its real mechanism. A fault that fails to apply is recorded and the run goes on.
/// <see cref="HealAllAsync"/> ends whatever is still in force (also faults cut short by the end of the run).
/// </summary>
public sealed class Nemesis(ChaosCluster cluster, PacketRules? packets, string? fakeTimeLibrary, TextWriter log)
{
    private readonly List<FaultRecord> _records = [];
    // One lock per member: a process fault waits until the previous one on the same member is healed. The schedule
    // never overlaps them, but a heal can outlast its plan (a restart on a loaded machine takes seconds), and a pause
    // of a process still being restarted would pause nothing.
    private readonly Dictionary<string, SemaphoreSlim> _members = cluster.Layout.Members.ToDictionary(m => m.Name, _ => new SemaphoreSlim(1, 1));
    private readonly Lock _lock = new();

    public IReadOnlyList<FaultRecord> Records
    {
        get
        {
            lock (_lock)
            {
                return _records.ToArray();
            }
        }
    }

    /// <summary>The faults in force now, described.</summary>
    public IReadOnlyList<string> Active
    {
        get
        {
            lock (_lock)
            {
                return _records.Where(r => r.AppliedAt is not null && r.HealedAt is null).Select(r => r.Planned.Describe()).ToArray();
            }
        }
    }

    /// <summary>Runs every event of <paramref name="schedule"/> on the clock <paramref name="clock"/> (started with the workload) until cancelled.</summary>
    public Task RunAsync(IReadOnlyList<FaultEvent> schedule, Stopwatch clock, CancellationToken ct) =>
        Task.WhenAll(schedule.Select(e => PlayAsync(e, clock, ct)));

    private async Task PlayAsync(FaultEvent planned, Stopwatch clock, CancellationToken ct)
    {
        var record = new FaultRecord(planned);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, planned.AtSeconds - clock.Elapsed.TotalSeconds)), ct);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        SemaphoreSlim[] members = FaultKinds.NeedsNetwork(planned.Kind) ? [] : planned.Targets.Select(t => _members[t]).ToArray();
        var held = new List<SemaphoreSlim>();
        try
        {
            foreach (var member in members)
            {
                await member.WaitAsync(ct);
                held.Add(member);
            }
            await PlayHeldAsync(planned, record, clock, ct);
        }
        catch (OperationCanceledException)
        {
            // The run ended while this fault waited for its member: it never happened.
        }
        finally
        {
            foreach (var member in held)
            {
                member.Release();
            }
        }
    }

    private async Task PlayHeldAsync(FaultEvent planned, FaultRecord record, Stopwatch clock, CancellationToken ct)
    {
        lock (_lock)
        {
            _records.Add(record);
        }
        try
        {
            record.Detail = await ApplyAsync(planned, ct);
            record.AppliedAt = clock.Elapsed.TotalSeconds;
            log.WriteLine($"[{record.AppliedAt,6:0.0}s] fault {planned.Describe()} for {planned.DurationSeconds:0.0}s{(record.Detail is null ? "" : " (" + record.Detail + ")")}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            record.Error = "apply: " + e.Message;
            log.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0}s] fault {planned.Describe()} could not be applied: {e.Message}");
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            // A fault applied late (it waited for its member, or a restart took long) still lasts its whole duration:
            // a pause must outlast every timeout.
            var end = Math.Max(planned.EndSeconds, record.AppliedAt!.Value + planned.DurationSeconds);
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, end - clock.Elapsed.TotalSeconds)), ct);
        }
        catch (OperationCanceledException)
        {
            return; // HealAllAsync ends it
        }
        try
        {
            await HealAsync(planned, CancellationToken.None);
            record.HealedAt = clock.Elapsed.TotalSeconds;
            log.WriteLine($"[{record.HealedAt,6:0.0}s] healed {planned.Describe()}");
        }
        catch (Exception e)
        {
            record.Error = "heal: " + e.Message;
            log.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0}s] healing {planned.Describe()} failed (the final heal retries): {e.Message}");
        }
    }

    private async Task<string?> ApplyAsync(FaultEvent e, CancellationToken ct)
    {
        var layout = cluster.Layout;
        switch (e.Kind)
        {
            case FaultKind.Partition:
                await Packets().PartitionAsync(e.Targets.Select(n => layout[n]).ToArray(), e.Others.Select(n => layout[n]).ToArray());
                return null;
            case FaultKind.OneWayPartition:
                await Packets().DropAsync(e.Targets.Select(n => layout[n]), e.Others.Select(n => layout[n]));
                return null;
            case FaultKind.Loss:
                foreach (var target in e.Targets)
                {
                    await Packets().LossAsync(layout[target], e.Amount);
                }
                return null;
            case FaultKind.Pause:
                var paused = cluster.Pid(e.Targets[0]) ?? throw new InvalidOperationException($"{e.Targets[0]} is not running");
                cluster.Pause(e.Targets[0]);
                return $"pid {paused}";
            case FaultKind.Kill:
                var pid = cluster.Pid(e.Targets[0]);
                await cluster.KillAsync(e.Targets[0], ct);
                return $"pid {pid}";
            case FaultKind.ClockSkew:
                await cluster.SkewAsync(e.Targets[0], e.Amount, fakeTimeLibrary ?? throw new InvalidOperationException("libfaketime is not installed (apt-get install faketime)"), ct);
                return null;
            case FaultKind.DiskFull:
                var bytes = cluster.FillDisk(e.Targets[0]);
                return $"ballast {bytes >> 20} MiB";
            default:
                throw new ArgumentOutOfRangeException(nameof(e), e.Kind, "unknown fault kind");
        }
    }

    private async Task HealAsync(FaultEvent e, CancellationToken ct)
    {
        switch (e.Kind)
        {
            case FaultKind.Partition or FaultKind.OneWayPartition or FaultKind.Loss:
                await Packets().HealAsync();
                break;
            case FaultKind.Pause:
                cluster.Resume(e.Targets[0]);
                break;
            case FaultKind.Kill:
                await cluster.RestartAsync(e.Targets[0], ct);
                break;
            case FaultKind.ClockSkew:
                await cluster.UnskewAsync(e.Targets[0], ct);
                break;
            case FaultKind.DiskFull:
                cluster.FreeDisk(e.Targets[0]);
                break;
        }
    }

    /// <summary>Ends every fault: rules flushed, processes resumed, restarted, unskewed, ballasts removed.</summary>
    public async Task HealAllAsync(double atSeconds, CancellationToken ct)
    {
        if (packets is not null)
        {
            await packets.HealAsync();
        }
        await cluster.HealProcessesAsync(ct);
        lock (_lock)
        {
            foreach (var record in _records.Where(r => r.AppliedAt is not null && r.HealedAt is null))
            {
                record.HealedAt = atSeconds;
            }
        }
    }

    private PacketRules Packets() => packets ?? throw new InvalidOperationException("network faults need network namespaces (run as root without --no-network)");
}
