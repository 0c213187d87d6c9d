using PairDb.Contracts.Errors;
using PairDb.Contracts.Versioning;

namespace PairDb.Shared.Contracts.Tests.Versioning;

/// <summary>One case per kind of damage: each must be rejected with INVALID_VECTOR_CLOCK, never accepted or crash.</summary>
public class FormatCorruptionTests
{
    [TestCase("", TestName = "Parse_Empty_Rejected")]
    [TestCase("020000", TestName = "Parse_UnknownFormatVersion_Rejected")]
    [TestCase("0101016101", TestName = "Parse_TruncatedAfterContext_Rejected")]
    [TestCase("0102016201016101" + "00", TestName = "Parse_ContextOutOfOrder_Rejected")]
    [TestCase("0102016101016101" + "00", TestName = "Parse_ContextDuplicateNode_Rejected")]
    [TestCase("010101610000", TestName = "Parse_ZeroCounter_Rejected")]
    [TestCase("010100" + "0100", TestName = "Parse_EmptyNodeId_Rejected")]
    [TestCase("010101200100", TestName = "Parse_NodeIdWithSpace_Rejected")]
    [TestCase("010101610101" + "00020000", TestName = "Parse_SiblingCounterAboveContext_Rejected")]
    [TestCase("010101610101" + "01010000", TestName = "Parse_SiblingNodeIndexOutOfRange_Rejected")]
    [TestCase("010101610101" + "00010800", TestName = "Parse_UnknownFlagBit_Rejected")]
    [TestCase("010101610101" + "0001010158", TestName = "Parse_TombstoneWithValue_Rejected")]
    [TestCase("010101610101" + "0001020000000000000000" + "00", TestName = "Parse_ZeroExpiryWithFlag_Rejected")]
    [TestCase("010101610101" + "0001030807060504030201" + "00", TestName = "Parse_TombstoneWithExpiry_Rejected")]
    [TestCase("010101610101" + "0001000541", TestName = "Parse_ValueLongerThanInput_Rejected")]
    [TestCase("010101610202" + "00010000" + "00010000", TestName = "Parse_DuplicateSiblingDot_Rejected")]
    [TestCase("010101610202" + "00020000" + "00010000", TestName = "Parse_SiblingsOutOfOrder_Rejected")]
    [TestCase("01000100010000", TestName = "Parse_SiblingWithoutContext_Rejected")]
    [TestCase("01000000", TestName = "Parse_TrailingBytes_Rejected")]
    [TestCase("01800000", TestName = "Parse_OverlongVarint_Rejected")]
    [TestCase("01FFFFFFFF0F", TestName = "Parse_HugeEntryCount_Rejected")]
    [TestCase("010101610101" + "00FFFFFFFFFFFFFFFFFF7F0000", TestName = "Parse_CounterVarintOverflow_Rejected")]
    public void SiblingSetFormat_DamagedBytes_ThrowsInvalidVectorClock(string hex)
    {
        var bytes = Convert.FromHexString(hex);

        Assert.That(() => SiblingSetFormat.Parse(bytes),
            Throws.TypeOf<PairDbException>().With.Property(nameof(PairDbException.Code)).EqualTo(ErrorCode.InvalidVectorClock));
    }

    [TestCase("02", TestName = "ParseContext_UnknownFormatVersion_Rejected")]
    [TestCase("0101", TestName = "ParseContext_Truncated_Rejected")]
    [TestCase("0102016201016101", TestName = "ParseContext_OutOfOrder_Rejected")]
    [TestCase("01010161" + "00", TestName = "ParseContext_ZeroCounter_Rejected")]
    [TestCase("01010161" + "01" + "00", TestName = "ParseContext_TrailingBytes_Rejected")]
    [TestCase("0101" + "01" + "1F" + "01", TestName = "ParseContext_ControlCharInNodeId_Rejected")]
    public void VersionVectorFormat_DamagedBytes_ThrowsAndIsInvalid(string hex)
    {
        var bytes = Convert.FromHexString(hex);

        Assert.That(VersionVectorFormat.IsValid(bytes), Is.False);
        Assert.That(() => VersionVectorFormat.Parse(bytes),
            Throws.TypeOf<PairDbException>().With.Property(nameof(PairDbException.Code)).EqualTo(ErrorCode.InvalidVectorClock));
    }

    [Test]
    public void VersionVectorFormat_MoreEntriesThanTheLimit_Rejected()
    {
        var bytes = VersionVectorFormat.ToArray(VersionVector.From([new Dot("a", 1), new Dot("b", 1), new Dot("c", 1)]));

        Assert.That(VersionVectorFormat.IsValid(bytes, maxEntries: 2), Is.False);
        Assert.That(VersionVectorFormat.IsValid(bytes, maxEntries: 3), Is.True);
        Assert.That(() => VersionVectorFormat.Parse(bytes, maxEntries: 2), Throws.TypeOf<PairDbException>());
    }
}
