using PairDb.Chaos.Faults;

namespace PairDb.Chaos.Tests.Faults;

public sealed class FaultScheduleTests
{
    private static readonly ScheduleTopology Topology = new("postgres", ["coordinator-1"], ["storage-node-1", "storage-node-2", "storage-node-3"]);
    private static readonly FaultKind[] All = Enum.GetValues<FaultKind>();

    [Test]
    public void Generate_SameSeed_SameSchedule()
    {
        var first = FaultSchedule.Generate(16, 90, All, Topology);
        var second = FaultSchedule.Generate(16, 90, All, Topology);

        Assert.That(second.Select(e => e.Describe() + "@" + e.AtSeconds + "+" + e.DurationSeconds),
            Is.EqualTo(first.Select(e => e.Describe() + "@" + e.AtSeconds + "+" + e.DurationSeconds)));
        Assert.That(first, Is.Not.Empty);
    }

    [Test]
    public void Generate_OtherSeed_OtherSchedule()
    {
        var a = FaultSchedule.Generate(1, 90, All, Topology).Select(e => e.Describe() + "@" + e.AtSeconds);
        var b = FaultSchedule.Generate(2, 90, All, Topology).Select(e => e.Describe() + "@" + e.AtSeconds);

        Assert.That(b, Is.Not.EqualTo(a));
    }

    [TestCase(60)]
    [TestCase(90)]
    [TestCase(300)]
    public void Generate_ManySeeds_KeepsItsBounds(int duration)
    {
        for (var seed = 1; seed <= 40; seed++)
        {
            var schedule = FaultSchedule.Generate(seed, duration, All, Topology);
            foreach (var e in schedule)
            {
                var overlapping = schedule.Where(o => o != e && o.AtSeconds < e.EndSeconds && o.EndSeconds > e.AtSeconds).ToArray();
                Assert.That(e.AtSeconds, Is.GreaterThanOrEqualTo(FaultSchedule.WarmUpSeconds), $"seed {seed}: {e.Describe()} starts after the warm-up");
                Assert.That(e.EndSeconds, Is.LessThanOrEqualTo(duration - FaultSchedule.QuietTailSeconds), $"seed {seed}: {e.Describe()} ends before the workload");
                // At any instant inside e, at most MaxConcurrent faults are in force.
                foreach (var instant in overlapping.Select(o => Math.Max(o.AtSeconds, e.AtSeconds)).Append(e.AtSeconds))
                {
                    var inForce = schedule.Count(o => o.AtSeconds <= instant && o.EndSeconds > instant);
                    Assert.That(inForce, Is.LessThanOrEqualTo(FaultSchedule.MaxConcurrent), $"seed {seed}: faults in force at {instant}s");
                }
                if (FaultKinds.NeedsNetwork(e.Kind))
                {
                    Assert.That(overlapping.Where(o => FaultKinds.NeedsNetwork(o.Kind)), Is.Empty, $"seed {seed}: network faults never overlap ({e.Describe()})");
                }
                else
                {
                    var shared = overlapping.Where(o => !FaultKinds.NeedsNetwork(o.Kind)).SelectMany(o => o.Targets).Intersect(e.Targets);
                    Assert.That(shared, Is.Empty, $"seed {seed}: {e.Describe()} shares a target with an overlapping process fault");
                }
                if (e.Kind == FaultKind.Pause)
                {
                    Assert.That(e.DurationSeconds, Is.GreaterThanOrEqualTo(FaultSchedule.MinPauseSeconds), "a pause outlasts every timeout");
                }
            }
        }
    }

    [Test]
    public void Generate_NinetySeconds_InjectsEveryKind()
    {
        for (var seed = 1; seed <= 40; seed++)
        {
            var kinds = FaultSchedule.Generate(seed, 90, All, Topology).Select(e => e.Kind).Distinct();

            Assert.That(kinds, Is.EquivalentTo(All), $"seed {seed}");
        }
    }

    [Test]
    public void Generate_OnlyRequestedKinds_NoOthers()
    {
        var schedule = FaultSchedule.Generate(5, 120, [FaultKind.Kill, FaultKind.Pause], Topology);

        Assert.That(schedule.Select(e => e.Kind).Distinct(), Is.EquivalentTo(new[] { FaultKind.Kill, FaultKind.Pause }));
    }

    [Test]
    public void Generate_NoKinds_Empty()
    {
        Assert.That(FaultSchedule.Generate(5, 120, [], Topology), Is.Empty);
    }

    [Test]
    public void Generate_Targets_AreMembersOfTheRightRole()
    {
        for (var seed = 1; seed <= 40; seed++)
        {
            foreach (var e in FaultSchedule.Generate(seed, 120, All, Topology))
            {
                Assert.That(e.Targets, Is.Not.Empty);
                Assert.That(e.Targets.Concat(e.Others), Is.SubsetOf(Topology.All));
                Assert.That(e.Targets.Intersect(e.Others), Is.Empty, e.Describe());
                switch (e.Kind)
                {
                    case FaultKind.DiskFull:
                        Assert.That(e.Targets, Is.SubsetOf(Topology.Nodes), e.Describe());
                        break;
                    case FaultKind.ClockSkew:
                        Assert.That(e.Targets.Single(), Is.Not.EqualTo(Topology.Postgres), e.Describe());
                        Assert.That(Math.Abs(e.Amount), Is.InRange(2, 240), "minutes to hours");
                        break;
                    case FaultKind.Loss:
                        Assert.That(e.Amount, Is.InRange(10, 40), "percent");
                        break;
                    case FaultKind.Partition or FaultKind.OneWayPartition:
                        Assert.That(e.Others, Is.Not.Empty, e.Describe());
                        break;
                }
            }
        }
    }
}
