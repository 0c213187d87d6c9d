namespace PairDb.Engine.Tests;

public sealed class CommitLogRecoveryTests
{
    private const int RecordCount = 3;

    [Test]
    public void Open_TornTailAtEveryByteOfLastRecord_KeepsEarlierRecordsAndTruncates()
    {
        using var source = new TempDirectory();
        WriteRecords(source.Path);
        var (segment, records) = CommitLogFiles.SegmentWithRecords(source.Path);
        var (lastOffset, lastLength) = records[^1];
        foreach (var zeroFill in new[] { false, true })
        {
            for (var cut = lastOffset; cut < lastOffset + lastLength; cut++)
            {
                using var copy = new TempDirectory();
                CommitLogFiles.CopyDirectory(source.Path, copy.Path);
                var damaged = segment.Replace(source.Path, copy.Path, StringComparison.Ordinal);
                Tear(damaged, cut, lastOffset + lastLength, zeroFill);
                using var engine = LsmEngine.Open(copy.Options());
                var label = $"cut={cut} zeroFill={zeroFill}";
                Assert.That(Enumerable.Range(0, RecordCount - 1).All(i => engine.TryGet(Key(i), out _)), Is.True, label);
                Assert.That(engine.TryGet(Key(RecordCount - 1), out _), Is.False, label);
                Assert.That(engine.NeedsRepair, Is.False, label);
                var torn = cut > lastOffset || zeroFill;
                Assert.That(engine.GetStatistics().CommitLogTornTailsTruncated, Is.EqualTo(torn && cut > lastOffset ? 1 : 0), label);
                if (cut > lastOffset)
                {
                    Assert.That(new FileInfo(damaged).Length, Is.EqualTo(lastOffset), label);
                }
            }
        }
    }

    [Test]
    public void Open_GarbageAppendedAfterLastRecord_KeepsAllRecordsWithoutRepair()
    {
        using var dir = new TempDirectory();
        WriteRecords(dir.Path);
        var (segment, records) = CommitLogFiles.SegmentWithRecords(dir.Path);
        var end = records[^1].Offset + records[^1].Length;
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.Position = end;
            file.Write(Enumerable.Range(0, 300).Select(i => (byte)(i * 37 + 11)).ToArray());
        }

        using var engine = LsmEngine.Open(dir.Options());
        Assert.That(Enumerable.Range(0, RecordCount).All(i => engine.TryGet(Key(i), out _)), Is.True);
        Assert.That(engine.NeedsRepair, Is.False);
        Assert.That(engine.GetStatistics().CommitLogTornTailsTruncated, Is.EqualTo(1));
    }

    [Test]
    public void Open_CorruptRecordInMiddle_SkipsItCountsAndNeedsRepair()
    {
        using var dir = new TempDirectory();
        WriteRecords(dir.Path);
        var (segment, records) = CommitLogFiles.SegmentWithRecords(dir.Path);
        var bytes = File.ReadAllBytes(segment);
        bytes[records[1].Offset + records[1].Length - 1] ^= 0x40;
        File.WriteAllBytes(segment, bytes);
        using var engine = LsmEngine.Open(dir.Options());
        Assert.That(engine.TryGet(Key(0), out _), Is.True);
        Assert.That(engine.TryGet(Key(1), out _), Is.False);
        Assert.That(engine.TryGet(Key(2), out _), Is.True);
        Assert.That(engine.NeedsRepair, Is.True);
        var stats = engine.GetStatistics();
        Assert.That(stats.CommitLogCorruptRecordsSkipped, Is.EqualTo(1));
        Assert.That(stats.CorruptedEntriesTotal, Is.EqualTo(1));
    }

    [Test]
    public void Open_AfterTornTailRecovery_AcceptsNewWritesAndReopensCleanly()
    {
        using var dir = new TempDirectory();
        WriteRecords(dir.Path);
        var (segment, records) = CommitLogFiles.SegmentWithRecords(dir.Path);
        Tear(segment, records[^1].Offset + 5, records[^1].Offset + records[^1].Length, zeroFill: false);
        using (var engine = LsmEngine.Open(dir.Options()))
        {
            engine.Put(Bytes.Of("later"), Bytes.Of("v"));
        }

        using var reopened = LsmEngine.Open(dir.Options());
        Assert.That(reopened.TryGet(Bytes.Of("later"), out _), Is.True);
        Assert.That(reopened.GetStatistics().CommitLogTornTailsTruncated, Is.Zero);
    }

    private static byte[] Key(int i) => Bytes.Of($"key-{i}");

    private static void WriteRecords(string directory)
    {
        using var engine = LsmEngine.Open(new LsmEngineOptions { DataDirectory = directory, Durability = DurabilityMode.Sync });
        for (var i = 0; i < RecordCount; i++)
        {
            engine.Put(Key(i), Bytes.Of($"value-{i}"));
        }
    }

    private static void Tear(string path, int cut, int end, bool zeroFill)
    {
        using var file = new FileStream(path, FileMode.Open);
        if (zeroFill)
        {
            file.Position = cut;
            file.Write(new byte[end - cut]);
        }
        else
        {
            file.SetLength(cut);
        }
    }
}
