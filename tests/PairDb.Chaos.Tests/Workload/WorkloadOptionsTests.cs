using PairDb.Chaos.Workload;

namespace PairDb.Chaos.Tests.Workload;

public sealed class WorkloadOptionsTests
{
    [Test]
    public void Validate_Defaults_Pass()
    {
        Assert.That(() => new WorkloadOptions().Validate(), Throws.Nothing);
    }

    [Test]
    public void Validate_BadSettings_NameTheSetting()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new WorkloadOptions { Clients = 0 }.Validate(), Throws.ArgumentException.With.Message.StartsWith("Clients"));
            Assert.That(() => new WorkloadOptions { Keys = 0 }.Validate(), Throws.ArgumentException.With.Message.StartsWith("Keys"));
            Assert.That(() => new WorkloadOptions { Tenant = "" }.Validate(), Throws.ArgumentException.With.Message.StartsWith("Tenant"));
            Assert.That(() => new WorkloadOptions { OperationTimeout = TimeSpan.Zero }.Validate(), Throws.ArgumentException.With.Message.StartsWith("OperationTimeout"));
            Assert.That(() => new WorkloadOptions { LongTtl = TimeSpan.Zero }.Validate(), Throws.ArgumentException.With.Message.StartsWith("LongTtl"));
            Assert.That(() => new WorkloadOptions { Mix = new OperationMix { Read = 0, BlindPut = 0, ReadModifyWrite = 0, Delete = 0, TtlPut = 0 } }.Validate(),
                Throws.ArgumentException.With.Message.StartsWith("Mix"));
        });
    }

    [Test]
    public void Draw_Weights_PickEveryEnabledKindAndNoDisabledOne()
    {
        var mix = new OperationMix { Read = 1, BlindPut = 0, ReadModifyWrite = 1, Delete = 0, TtlPut = 1 };
        var random = new Random(3);

        var drawn = Enumerable.Range(0, 1000).Select(_ => mix.Draw(random)).ToHashSet();

        Assert.That(drawn, Is.EquivalentTo(new[] { StepKind.Read, StepKind.ReadModifyWrite, StepKind.TtlPut }));
    }
}
