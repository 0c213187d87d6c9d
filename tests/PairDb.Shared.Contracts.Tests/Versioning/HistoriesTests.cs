using CsCheck;

namespace PairDb.Shared.Contracts.Tests.Versioning;

/// <summary>The property tests are only as good as their generator: it must produce conflicts.</summary>
public class HistoriesTests
{
    [Test]
    public void States_Generator_ProducesSiblingsTombstonesAndExpiries()
    {
        var states = Histories.States.Array[200].Single().SelectMany(s => s).ToArray();

        Assert.That(states.Count(s => s.Siblings.Count >= 3), Is.GreaterThan(10), "states with three or more siblings");
        Assert.That(states.Count(s => s.Siblings.Any(x => x.IsTombstone)), Is.GreaterThan(10), "states with a tombstone");
        Assert.That(states.Count(s => s.Siblings.Any(x => x.ExpiresAtUnixMs != 0)), Is.GreaterThan(10), "states with an expiry");
    }
}
