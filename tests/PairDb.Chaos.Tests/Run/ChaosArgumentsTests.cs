using PairDb.Chaos.Faults;
using PairDb.Chaos.Options;

namespace PairDb.Chaos.Tests.Run;

public sealed class ChaosArgumentsTests
{
    [Test]
    public void Parse_EveryOption_Taken()
    {
        var options = ChaosArguments.Parse(["--duration", "100", "--faults", "kill,pause,skew", "--seed", "16", "--nodes", "4", "--coordinators", "2", "--json"]);

        Assert.That(options.DurationSeconds, Is.EqualTo(100));
        Assert.That(options.Faults, Is.EqualTo(new[] { FaultKind.Pause, FaultKind.Kill, FaultKind.ClockSkew }));
        Assert.That(options.Seed, Is.EqualTo(16));
        Assert.That(options.Nodes, Is.EqualTo(4));
        Assert.That(options.Coordinators, Is.EqualTo(2));
        Assert.That(options.Json, Is.True);
        Assert.That(options.NeedsNetwork, Is.False);
    }

    [Test]
    public void Parse_All_EveryKind()
    {
        Assert.That(ChaosArguments.Parse(["--faults", "all"]).Faults, Is.EqualTo(Enum.GetValues<FaultKind>()));
        Assert.That(ChaosArguments.Parse(["--faults", "none"]).Faults, Is.Empty);
    }

    [TestCase("--faults", "meteor")]
    [TestCase("--nodes", "2")]
    [TestCase("--duration", "x")]
    [TestCase("--bogus", "1")]
    public void Parse_Bad_ThrowsNamingIt(string option, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => ChaosArguments.Parse([option, value]));

        Assert.That(e!.Message, Does.Contain(option == "--faults" ? value : option));
    }
}
