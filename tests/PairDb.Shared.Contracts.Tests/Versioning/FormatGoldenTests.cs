using PairDb.Contracts.Versioning;

namespace PairDb.Shared.Contracts.Tests.Versioning;

/// <summary>Freezes the stored and wire bytes of versions: a change here breaks every stored value.</summary>
public class FormatGoldenTests
{
    [Test]
    public void VersionVectorFormat_Golden_FreezesTheBytes()
    {
        var context = VersionVector.From([new Dot("node-b", 300), new Dot("a", 1)]);

        var bytes = VersionVectorFormat.ToArray(context);

        Assert.That(Convert.ToHexString(bytes), Is.EqualTo("01" + "02" + "01" + "61" + "01" + "06" + "6E6F64652D62" + "AC02"));
        Assert.That(VersionVectorFormat.Parse(bytes), Is.EqualTo(context));
    }

    [Test]
    public void VersionVectorFormat_EmptyInput_IsTheEmptyContext()
    {
        Assert.That(VersionVectorFormat.Parse([]), Is.SameAs(VersionVector.Empty));
        Assert.That(Convert.ToHexString(VersionVectorFormat.ToArray(VersionVector.Empty)), Is.EqualTo("0100"));
    }

    [Test]
    public void SiblingSetFormat_Golden_FreezesTheBytes()
    {
        var set = SiblingSet.Create(
            VersionVector.From([new Dot("a", 2), new Dot("b", 1)]),
            [
                Sibling.Tombstone(new Dot("b", 1)),
                Sibling.Live(new Dot("a", 2), "hi"u8.ToArray(), expiresAtUnixMs: 0x0102030405060708),
            ]);

        var bytes = SiblingSetFormat.ToArray(set);

        Assert.That(Convert.ToHexString(bytes), Is.EqualTo(
            "01"                                   // format version
            + "02" + "016102" + "016201"           // context {a:2, b:1}
            + "02"                                 // two siblings
            + "0002" + "02" + "0807060504030201" + "02" + "6869" // a:2, expires, "hi"
            + "0101" + "01" + "00"));              // b:1, tombstone
        Assert.That(SiblingSetFormat.GetSize(set), Is.EqualTo(bytes.Length));
        Assert.That(SiblingSetFormat.Parse(bytes), Is.EqualTo(set));
    }

    [Test]
    public void SiblingSetFormat_EmptySet_IsThreeBytes()
    {
        Assert.That(Convert.ToHexString(SiblingSetFormat.ToArray(SiblingSet.Empty)), Is.EqualTo("010000"));
        Assert.That(SiblingSetFormat.Parse([0x01, 0x00, 0x00]), Is.SameAs(SiblingSet.Empty));
    }
}
