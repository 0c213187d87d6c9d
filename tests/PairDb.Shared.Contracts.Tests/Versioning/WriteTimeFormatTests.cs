using PairDb.Contracts.Errors;
using PairDb.Contracts.Versioning;

namespace PairDb.Shared.Contracts.Tests.Versioning;

/// <summary>The optional write time of a sibling (flag bit 0x04), set only by last-writer-wins writes.</summary>
public class WriteTimeFormatTests
{
    [Test]
    public void SiblingSetFormat_WriteTimes_GoldenBytes()
    {
        var set = SiblingSet.Create(
            VersionVector.From([new Dot("a", 2), new Dot("b", 1)]),
            [
                Sibling.Tombstone(new Dot("b", 1), writtenAtUnixMs: 0x21),
                Sibling.Live(new Dot("a", 2), "hi"u8.ToArray(), expiresAtUnixMs: 0x0102030405060708, writtenAtUnixMs: 0x1112131415161718),
            ]);

        var bytes = SiblingSetFormat.ToArray(set);

        Assert.That(Convert.ToHexString(bytes), Is.EqualTo(
            "01"                                   // format version
            + "02" + "016102" + "016201"           // context {a:2, b:1}
            + "02"                                 // two siblings
            + "0002" + "06" + "0807060504030201" + "1817161514131211" + "02" + "6869" // a:2, expiry, write time, "hi"
            + "0101" + "05" + "2100000000000000" + "00")); // b:1, tombstone with a write time
        Assert.That(SiblingSetFormat.GetSize(set), Is.EqualTo(bytes.Length));
        Assert.That(SiblingSetFormat.Parse(bytes), Is.EqualTo(set));
    }

    [TestCase(1L)]
    [TestCase(1_767_225_600_000L)]
    [TestCase(long.MaxValue)]
    public void SiblingSetFormat_WriteTime_RoundTrips(long writtenAt)
    {
        var set = SiblingSet.Empty.Update(VersionVector.Empty, "n1", "v"u8.ToArray(), expiresAtUnixMs: 0, writtenAtUnixMs: writtenAt);

        var parsed = SiblingSetFormat.Parse(SiblingSetFormat.ToArray(set));

        Assert.That(parsed, Is.EqualTo(set));
        Assert.That(parsed.Siblings[0].WrittenAtUnixMs, Is.EqualTo(writtenAt));
    }

    [Test]
    public void SiblingSetFormat_WithoutWriteTime_SameBytesAsBefore()
    {
        // The bytes a siblings-mode write had before the write time existed (no flag, no 8 bytes).
        var set = SiblingSet.Empty.Update(VersionVector.Empty, "n1", "v"u8.ToArray());

        Assert.That(Convert.ToHexString(SiblingSetFormat.ToArray(set)), Is.EqualTo("01" + "01" + "026E3101" + "01" + "0001" + "00" + "0176"));
    }

    [Test]
    public void Sibling_DifferentWriteTimes_NotEqual()
    {
        var dot = new Dot("n1", 1);

        Assert.That(Sibling.Live(dot, "v"u8.ToArray(), writtenAtUnixMs: 5), Is.Not.EqualTo(Sibling.Live(dot, "v"u8.ToArray(), writtenAtUnixMs: 6)));
        Assert.That(() => Sibling.Live(dot, "v"u8.ToArray(), writtenAtUnixMs: -1), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [TestCase("010101610101" + "0001040000000000000000" + "00", TestName = "Parse_ZeroWriteTimeWithFlag_Rejected")]
    [TestCase("010101610101" + "00010400000000000000FF" + "00", TestName = "Parse_NegativeWriteTime_Rejected")]
    [TestCase("010101610101" + "000104010203", TestName = "Parse_TruncatedWriteTime_Rejected")]
    [TestCase("010101610101" + "0001070807060504030201" + "0100000000000000" + "00", TestName = "Parse_TombstoneWithExpiryAndWriteTime_Rejected")]
    [TestCase("010101610101" + "0001050100000000000000" + "0158", TestName = "Parse_TombstoneWithWriteTimeAndValue_Rejected")]
    [TestCase("010101610101" + "00010C0100000000000000" + "00", TestName = "Parse_WriteTimeWithUnknownBit_Rejected")]
    [TestCase("010101610101" + "0001040100000000000000", TestName = "Parse_WriteTimeThenNoValueLength_Rejected")]
    public void SiblingSetFormat_BadWriteTime_ThrowsInvalidVectorClock(string hex)
    {
        var bytes = Convert.FromHexString(hex);

        Assert.That(() => SiblingSetFormat.Parse(bytes),
            Throws.TypeOf<PairDbException>().With.Property(nameof(PairDbException.Code)).EqualTo(ErrorCode.InvalidVectorClock));
    }

    [Test]
    public void SiblingSetFormat_WriteTimeOnLiveAndTombstone_Accepted()
    {
        var live = Convert.FromHexString("010101610101" + "0001040100000000000000" + "00");
        var tombstone = Convert.FromHexString("010101610101" + "0001050100000000000000" + "00");

        Assert.That(SiblingSetFormat.Parse(live).Siblings[0].WrittenAtUnixMs, Is.EqualTo(1));
        Assert.That(SiblingSetFormat.Parse(tombstone).Siblings[0].IsTombstone, Is.True);
    }

    [Test]
    public void Merge_SameDotDifferentWriteTimes_StaysCommutative()
    {
        // Correct nodes never produce this; merge must still pick the same sibling either way round.
        var context = VersionVector.From([new Dot("n1", 1)]);
        var early = SiblingSet.Create(context, [Sibling.Live(new Dot("n1", 1), "v"u8.ToArray(), writtenAtUnixMs: 5)]);
        var late = SiblingSet.Create(context, [Sibling.Live(new Dot("n1", 1), "v"u8.ToArray(), writtenAtUnixMs: 6)]);

        Assert.That(SiblingSet.Merge(early, late), Is.EqualTo(SiblingSet.Merge(late, early)));
    }
}
