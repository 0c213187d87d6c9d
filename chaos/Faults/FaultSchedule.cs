namespace PairDb.Chaos.Faults;

/// <summary>The members a schedule can target, by role.</summary>
public sealed record ScheduleTopology(string Postgres, IReadOnlyList<string> Coordinators, IReadOnlyList<string> Nodes)
{
    public IReadOnlyList<string> All => [Postgres, .. Coordinators, .. Nodes];
}

/// <summary>
/// The nemesis's plan, a pure function of (seed, duration, kinds, topology): the same seed gives the same schedule.
/// Kinds come in shuffled rounds, so a run long enough for one round injects every kind. At most
/// <see cref="MaxConcurrent"/> faults are in force at once, so a quorum sometimes exists; network faults never overlap
/// each other (one flush heals them), and two process faults never hit the same member at once. Every fault ends
/// <see cref="QuietTailSeconds"/> before the workload does.
/// </summary>
public static class FaultSchedule
{
    public const int MaxConcurrent = 2;
    public const double WarmUpSeconds = 3;
    public const double QuietTailSeconds = 2;

    /// <summary>
    /// Pauses outlast every timeout on the path: the coordinator's replica timeout (2 s), its health probe
    /// (1 s x 2 failures), the SDK's attempt timeout (5 s).
    /// </summary>
    public const double MinPauseSeconds = 7;

    public static IReadOnlyList<FaultEvent> Generate(int seed, double durationSeconds, IReadOnlyList<FaultKind> kinds, ScheduleTopology topology)
    {
        var events = new List<FaultEvent>();
        if (kinds.Count == 0)
        {
            return events;
        }
        var random = new Random(seed);
        var round = new Queue<FaultKind>();
        var t = WarmUpSeconds;
        var misses = 0;
        while (misses < 8)
        {
            if (round.Count == 0)
            {
                foreach (var k in kinds.OrderBy(_ => random.Next()))
                {
                    round.Enqueue(k);
                }
            }
            var kind = round.Peek();
            var duration = Round(DurationOf(kind, random));
            if (t + duration > durationSeconds - QuietTailSeconds)
            {
                // No room for this one: a shorter kind may still fit, otherwise the schedule is complete.
                round.Enqueue(round.Dequeue());
                misses++;
                continue;
            }
            var overlapping = events.Where(e => e.AtSeconds < t + duration && e.EndSeconds > t).ToArray();
            var candidate = Pick(events.Count, t, duration, kind, random, topology, overlapping);
            if (candidate is null || overlapping.Length >= MaxConcurrent)
            {
                t = overlapping.Length == 0 ? t + 1 : Round(overlapping.Min(e => e.EndSeconds) + 0.5);
                misses++;
                continue;
            }
            misses = 0;
            round.Dequeue();
            events.Add(candidate);
            // Sometimes the next fault starts while this one is in force; otherwise after a short quiet gap.
            t = random.NextDouble() < 0.5 ? Round(t + duration * (0.3 + 0.4 * random.NextDouble())) : Round(t + duration + 1 + 2 * random.NextDouble());
        }
        return events;
    }

    private static double DurationOf(FaultKind kind, Random random) => kind switch
    {
        FaultKind.Pause => MinPauseSeconds + 3 * random.NextDouble(),
        FaultKind.Kill => 3 + 4 * random.NextDouble(),
        FaultKind.ClockSkew => 6 + 4 * random.NextDouble(),
        FaultKind.DiskFull => 5 + 4 * random.NextDouble(),
        _ => 4 + 4 * random.NextDouble(),
    };

    private static FaultEvent? Pick(int index, double at, double duration, FaultKind kind, Random random, ScheduleTopology topology, IReadOnlyList<FaultEvent> overlapping)
    {
        var network = FaultKinds.NeedsNetwork(kind);
        if (network && overlapping.Any(e => FaultKinds.NeedsNetwork(e.Kind)))
        {
            return null;
        }
        var busy = overlapping.Where(e => !FaultKinds.NeedsNetwork(e.Kind)).SelectMany(e => e.Targets).ToHashSet(StringComparer.Ordinal);
        string[] Free(IEnumerable<string> names) => names.Where(n => !busy.Contains(n)).ToArray();
        string? One(IEnumerable<string> names)
        {
            var free = Free(names);
            return free.Length == 0 ? null : free[random.Next(free.Length)];
        }
        FaultEvent Make(string variant, IReadOnlyList<string> targets, IReadOnlyList<string> others, int amount = 0) =>
            new(index, at, duration, kind, variant, targets, others, amount);
        var all = topology.All;
        switch (kind)
        {
            case FaultKind.Partition:
                switch (random.Next(3))
                {
                    case 0:
                        var shuffled = all.OrderBy(_ => random.Next()).ToArray();
                        var cut = 1 + random.Next(shuffled.Length - 1);
                        return Make("halves", shuffled[..cut], shuffled[cut..]);
                    case 1:
                        var node = topology.Nodes[random.Next(topology.Nodes.Count)];
                        return Make("isolate-node", [node], all.Where(n => n != node).ToArray());
                    default:
                        return Make("coordinators-from-postgres", topology.Coordinators, [topology.Postgres]);
                }
            case FaultKind.OneWayPartition:
                var from = topology.Coordinators.Concat(topology.Nodes).ElementAt(random.Next(topology.Coordinators.Count + topology.Nodes.Count));
                return Make("one-way", [from], all.Where(n => n != from).ToArray());
            case FaultKind.Loss:
                var receivers = all.OrderBy(_ => random.Next()).Take(1 + random.Next(2)).ToArray();
                return Make("loss", receivers, [], 10 + random.Next(31));
            case FaultKind.Pause:
                return One(all) is { } paused ? Make("pause", [paused], []) : null;
            case FaultKind.Kill:
                return One(all) is { } killed ? Make("kill", [killed], []) : null;
            case FaultKind.ClockSkew:
                // Minutes to hours, ahead or behind.
                var minutes = (random.Next(2) == 0 ? 1 : -1) * (2 + random.Next(239));
                return One(topology.Coordinators.Concat(topology.Nodes)) is { } skewed ? Make("skew", [skewed], [], minutes) : null;
            case FaultKind.DiskFull:
                return One(topology.Nodes) is { } full ? Make("disk-full", [full], []) : null;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown fault kind");
        }
    }

    private static double Round(double seconds) => Math.Round(seconds, 1);
}
