using PairDb.Contracts.Errors;
using PairDb.Contracts.Validation;
using PairDb.Contracts.Versioning;

namespace PairDb.Shared.Contracts.Tests.Versioning;

/// <summary>
/// <see cref="Dot.MaxCounter"/> in both formats and in minting: a counter over it never parses, so the
/// 2^64-1 and 2^64-2 of a hostile context are INVALID_VECTOR_CLOCK, and no next dot can overflow.
/// </summary>
public class CounterBoundTests
{
    private static IEnumerable<TestCaseData> OverTheBound()
    {
        yield return new TestCaseData(Dot.MaxCounter + 1).SetName("{m}(2^62+1)");
        yield return new TestCaseData(ulong.MaxValue - 1).SetName("{m}(2^64-2)");
        yield return new TestCaseData(ulong.MaxValue).SetName("{m}(2^64-1)");
    }

    [TestCaseSource(nameof(OverTheBound))]
    public void VersionVectorFormat_CounterOverTheBound_InvalidVectorClock(ulong counter)
    {
        var bytes = VersionVectorFormat.ToArray(VersionVector.From([new Dot("a", 1), new Dot("b", counter)]));

        Assert.That(VersionVectorFormat.IsValid(bytes), Is.False);
        Assert.That(() => VersionVectorFormat.Parse(bytes),
            Throws.TypeOf<PairDbException>().With.Property(nameof(PairDbException.Code)).EqualTo(ErrorCode.InvalidVectorClock));
    }

    [TestCaseSource(nameof(OverTheBound))]
    public void SiblingSetFormat_ContextCounterOverTheBound_InvalidVectorClock(ulong counter)
    {
        var forged = SiblingSet.Create(VersionVector.From([new Dot("a", counter)]), [Sibling.Live(new Dot("a", 1), new byte[] { 7 })]);
        var bytes = SiblingSetFormat.ToArray(forged);

        Assert.That(() => SiblingSetFormat.Parse(bytes),
            Throws.TypeOf<PairDbException>().With.Property(nameof(PairDbException.Code)).EqualTo(ErrorCode.InvalidVectorClock));
    }

    [TestCaseSource(nameof(OverTheBound))]
    public void SiblingSetFormat_SiblingCounterOverTheBound_InvalidVectorClock(ulong counter)
    {
        var bytes = SiblingSetFormat.ToArray(SiblingSet.Create(VersionVector.Empty, [Sibling.Live(new Dot("a", counter), new byte[] { 7 })]));

        Assert.That(() => SiblingSetFormat.Parse(bytes),
            Throws.TypeOf<PairDbException>().With.Property(nameof(PairDbException.Code)).EqualTo(ErrorCode.InvalidVectorClock));
    }

    [Test]
    public void Formats_CounterAtTheBound_RoundTrip()
    {
        var context = VersionVector.From([new Dot("a", Dot.MaxCounter)]);
        var set = SiblingSet.Create(context, [Sibling.Live(new Dot("a", Dot.MaxCounter), new byte[] { 7 })]);

        Assert.That(VersionVectorFormat.Parse(VersionVectorFormat.ToArray(context)), Is.EqualTo(context));
        Assert.That(SiblingSetFormat.Parse(SiblingSetFormat.ToArray(set)), Is.EqualTo(set));
    }

    [TestCase((byte)0x00)]
    [TestCase((byte)0x02)]
    [TestCase((byte)0x7F)]
    [TestCase((byte)0xFF)]
    public void Formats_UnknownVersionByte_InvalidVectorClock(byte version)
    {
        var context = VersionVectorFormat.ToArray(VersionVector.From([new Dot("a", 1)]));
        var set = SiblingSetFormat.ToArray(SiblingSet.Empty.Update(VersionVector.Empty, "a", new byte[] { 7 }));
        context[0] = version;
        set[0] = version;

        Assert.That(VersionVectorFormat.IsValid(context), Is.False);
        Assert.That(() => VersionVectorFormat.Parse(context),
            Throws.TypeOf<PairDbException>().With.Property(nameof(PairDbException.Code)).EqualTo(ErrorCode.InvalidVectorClock));
        Assert.That(() => SiblingSetFormat.Parse(set),
            Throws.TypeOf<PairDbException>().With.Property(nameof(PairDbException.Code)).EqualTo(ErrorCode.InvalidVectorClock));
    }

    [Test]
    public void NextDot_OneBelowTheBound_MintsTheBound()
    {
        var set = SiblingSet.Create(VersionVector.From([new Dot("a", Dot.MaxCounter - 1)]), []);

        Assert.That(set.NextDot("a", VersionVector.Empty), Is.EqualTo(new Dot("a", Dot.MaxCounter)));
    }

    [TestCase(Dot.MaxCounter)]
    [TestCase(ulong.MaxValue - 1)]
    [TestCase(ulong.MaxValue)]
    public void Update_ClientCounterAtOrOverTheBound_InvalidVectorClockNotOverflow(ulong counter)
    {
        // Built in process, past the formats: the last guard must still answer 1005, never OverflowException.
        var client = VersionVector.From([new Dot("a", counter)]);

        Assert.That(() => SiblingSet.Empty.Update(client, "a", new byte[] { 1 }),
            Throws.TypeOf<PairDbException>().With.Property(nameof(PairDbException.Code)).EqualTo(ErrorCode.InvalidVectorClock));
        Assert.That(() => SiblingSet.Empty.Delete(client, "a"),
            Throws.TypeOf<PairDbException>().With.Property(nameof(PairDbException.Code)).EqualTo(ErrorCode.InvalidVectorClock));
    }

    [Test]
    public void ValidationOptions_CounterLeadOverTheBound_IsAProblem()
    {
        var options = new ValidationOptions { MaxContextCounterLead = Dot.MaxCounter + 1 };

        Assert.That(options.Problems(), Has.Some.Contains("MaxContextCounterLead"));
        Assert.That(new ValidationOptions().Problems(), Is.Empty);
    }
}
