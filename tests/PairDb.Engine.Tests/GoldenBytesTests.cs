using PairDb.Engine.CommitLog;
using PairDb.Engine.Format;
using PairDb.Engine.Manifest;
using PairDb.Engine.SSTable;

namespace PairDb.Engine.Tests;

/// <summary>Freezes every persisted layout: a change here is a format change and needs a new version.</summary>
public sealed class GoldenBytesTests
{
    [Test]
    public void EntryKind_PersistedValues_NeverChange()
    {
        Assert.That(new[] { (byte)EntryKind.Tombstone, (byte)EntryKind.Value, (byte)EntryKind.ExpiringValue }, Is.EqualTo(new byte[] { 0, 1, 2 }));
    }

    [Test]
    public void CommitLogRecordHeader_Write_MatchesGolden()
    {
        var record = new byte[CommitLogRecordHeader.Size + 3];
        record[16] = 0xAA;
        record[17] = 0xBB;
        record[18] = 0xCC;
        CommitLogRecordHeader.WriteSealed(record, 3, 0x0102030405060708);
        Assert.That(Bytes.Hex(record), Is.EqualTo("AAA7E054030000000807060504030201AABBCC"));
        Assert.That(CommitLogRecordHeader.Parse(record), Is.EqualTo(new CommitLogRecordHeader(CommitLogRecordHeader.Parse(record).Crc, 3, 0x0102030405060708)));
    }

    [Test]
    public void CommitLogSegmentHeader_Write_MatchesGolden()
    {
        var bytes = new byte[CommitLogSegmentHeader.Size];
        new CommitLogSegmentHeader(7, 1000).Write(bytes);
        Assert.That(Bytes.Hex(bytes), Is.EqualTo("504442434C4F47310100000069979F700700000000000000E803000000000000"));
        Assert.That(CommitLogSegmentHeader.TryParse(bytes, out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(new CommitLogSegmentHeader(7, 1000)));
    }

    [Test]
    public void WriteBatchPayload_PutDeleteExpiring_MatchesGolden()
    {
        var batch = new WriteBatch();
        batch.Put(Bytes.Of("k1"), Bytes.Of("v1"));
        batch.Delete(Bytes.Of("k2"));
        batch.Put(Bytes.Of("k3"), Bytes.Of("v"), DateTimeOffset.FromUnixTimeMilliseconds(0x0102));
        Assert.That(Bytes.Hex(batch.Payload), Is.EqualTo("03000000" + "0102026B317631" + "0002006B32" + "0202010201000000000000" + "6B3376"));
    }

    [Test]
    public void DataBlockEntry_Write_MatchesGolden()
    {
        var bytes = new byte[64];
        var n = new DataBlockEntry(Bytes.Of("ab"), Bytes.Of("xyz"), EntryKind.ExpiringValue, 5, 0x10).Write(bytes);
        Assert.That(Bytes.Hex(bytes.AsSpan(0, n)), Is.EqualTo("0203" + "02" + "0500000000000000" + "1000000000000000" + "6162" + "78797A"));
        Assert.That(DataBlockEntry.Parse(bytes.AsSpan(0, n), out var parsed), Is.EqualTo(n));
        Assert.That(parsed.Sequence, Is.EqualTo(5));
    }

    [Test]
    public void IndexBlockEntry_Write_MatchesGolden()
    {
        var bytes = new byte[64];
        var n = new IndexBlockEntry(Bytes.Of("zz"), 9, new BlockHandle(0x1000, 0x200)).Write(bytes);
        Assert.That(Bytes.Hex(bytes.AsSpan(0, n)), Is.EqualTo("02" + "7A7A" + "0900000000000000" + "0010000000000000" + "00020000"));
    }

    [Test]
    public void BlockTrailer_Write_IsLittleEndianCrc32()
    {
        var bytes = new byte[BlockTrailer.Size];
        BlockTrailer.For(Bytes.Of("123456789")).Write(bytes);
        Assert.That(Bytes.Hex(bytes), Is.EqualTo("2639F4CB")); // CRC-32 check value 0xCBF43926
    }

    [Test]
    public void SSTableFooter_Write_MatchesGolden()
    {
        var bytes = new byte[SSTableFooter.Size];
        new SSTableFooter(new BlockHandle(1, 2), new BlockHandle(3, 4), new BlockHandle(5, 6), 100, 7, 8).Write(bytes);
        Assert.That(Bytes.Hex(bytes), Is.EqualTo("0100000000000000020000000300000000000000040000000500000000000000060000006400000000000000070000000000000008000000010000005F153B045044425353543031"));
        Assert.That(SSTableFooter.Parse(bytes, "t.sst", 0), Is.EqualTo(new SSTableFooter(new BlockHandle(1, 2), new BlockHandle(3, 4), new BlockHandle(5, 6), 100, 7, 8)));
    }

    [Test]
    public void PropertiesBlock_Write_MatchesGolden()
    {
        var block = new PropertiesBlock(1, 2, Bytes.Of("a"), Bytes.Of("zz"));
        var bytes = new byte[block.Size];
        block.Write(bytes);
        Assert.That(Bytes.Hex(bytes), Is.EqualTo("0100000000000000" + "0200000000000000" + "0161" + "027A7A"));
    }

    [Test]
    public void BloomFilter_Build_MatchesGoldenAndFindsItsKeys()
    {
        ulong[] hashes = [BloomFilter.Hash(Bytes.Of("a")), BloomFilter.Hash(Bytes.Of("b"))];
        var block = BloomFilter.Build(hashes, 10);
        Assert.That(Bytes.Hex(block), Is.EqualTo(
            "2000000001000020400000002000000000020001000000002000000000000000" +
            "000000880000000000000000000000000001800004000000000000000000004087"));
        var filter = BloomFilter.Parse(block)!;
        Assert.That(filter.MayContain(hashes[0]) && filter.MayContain(hashes[1]), Is.True);
    }

    [Test]
    public void BloomFilter_ClassicLayoutBlock_StillFindsItsKeys()
    {
        // Written before the blocked layout: [bits][u8 probes], top bit clear.
        var filter = BloomFilter.Parse(Convert.FromHexString("0208288888A0808007"))!;
        Assert.That(filter.MayContain(BloomFilter.Hash(Bytes.Of("a"))) && filter.MayContain(BloomFilter.Hash(Bytes.Of("b"))), Is.True);
    }

    [Test]
    public void Manifest_Encode_MatchesGolden()
    {
        var state = new ManifestState(9, 1234, [new ManifestTableRecord(0, 5, 4096)]) { SequenceTimes = [new SequenceTimePoint(1234, 1_700_000_000_000)] };
        var bytes = ManifestStore.Encode(state);
        Assert.That(Bytes.Hex(bytes), Is.EqualTo(GoldenManifestV2));
        var parsed = ManifestState.ParseBody(bytes.AsSpan(ManifestHeader.Size))!;
        Assert.That(parsed.NextFileId, Is.EqualTo(9));
        Assert.That(parsed.Tables, Is.EqualTo(state.Tables));
        Assert.That(parsed.SequenceTimes, Is.EqualTo(state.SequenceTimes));
    }

    [Test]
    public void Manifest_Version1Body_StillParses()
    {
        // Written by part 1 of the engine: no sequence-time section.
        var bytes = Convert.FromHexString("5044424D414E49310100000025000000038F1927000000000900000000000000D204000000000000010000000005000000000000000010000000000000");
        var header = ManifestHeader.Parse(bytes, "MANIFEST");
        Assert.That(header.BodyLength, Is.EqualTo(37));
        Assert.That(header.Version, Is.EqualTo(1u));
        var parsed = ManifestState.ParseBody(bytes.AsSpan(ManifestHeader.Size), header.Version)!;
        Assert.That(parsed.Tables, Is.EqualTo(new[] { new ManifestTableRecord(0, 5, 4096) }));
        Assert.That(parsed.SequenceTimes, Is.Empty);
    }

    [Test]
    public void SequenceTimePoint_Write_MatchesGolden()
    {
        var bytes = new byte[SequenceTimePoint.Size];
        new SequenceTimePoint(0x0102030405060708, 0x1112131415161718).Write(bytes);
        Assert.That(Bytes.Hex(bytes), Is.EqualTo("08070605040302011817161514131211"));
        Assert.That(SequenceTimePoint.Parse(bytes), Is.EqualTo(new SequenceTimePoint(0x0102030405060708, 0x1112131415161718)));
    }

    private const string GoldenManifestV2 = "5044424D414E49310200000039000000FF6073F3000000000900000000000000D20400000000000001000000000500000000000000001000000000000001000000D2040000000000000068E5CF8B010000";
}
