namespace PairDb.Engine.Tests;

public sealed class IntegrityTests
{
    [Test]
    public async Task ScanAsync_CleanTables_ReportsNoCorruptionAndFullProgress()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(EngineTestKit.CompactionOptions(dir));
        Fill(engine, "a", 500);
        Fill(engine, "b", 500);
        var reports = new List<IntegrityScanProgress>();

        var report = await engine.Integrity.ScanAsync(new SynchronousProgress(reports.Add));

        Assert.That(report.IsClean, Is.True);
        Assert.That(report.TablesScanned, Is.EqualTo(2));
        Assert.That(report.BlocksScanned, Is.GreaterThan(2 * 3));
        Assert.That(engine.Integrity.Progress!.Percent, Is.EqualTo(100).Within(5));
        Assert.That(reports[^1].TablesDone, Is.EqualTo(2));
    }

    [Test]
    public async Task ScanAsync_FlippedBitInDataBlock_NamesFileAndOffset()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(EngineTestKit.CompactionOptions(dir));
        Fill(engine, "a", 500);
        Fill(engine, "b", 500);
        var victim = Directory.GetFiles(Path.Combine(dir.Path, "sstables", "l0"), "*.sst").Order(StringComparer.Ordinal).First();
        long blockOffset;
        var version = engine.AcquireVersion();
        try
        {
            blockOffset = version.Levels[0].Single(t => t.Path == victim).BlockOffset(2);
        }
        finally
        {
            version.Release();
        }

        using (var file = new FileStream(victim, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = blockOffset + 10;
            var b = file.ReadByte();
            file.Position = blockOffset + 10;
            file.WriteByte((byte)(b ^ 0x04));
        }

        var report = await engine.Integrity.ScanAsync();

        Assert.That(report.CorruptFiles, Has.Count.EqualTo(1));
        Assert.That(report.CorruptFiles[0].FileName, Is.EqualTo(Path.GetFileName(victim)));
        Assert.That(report.CorruptFiles[0].Blocks.Select(b => b.Offset), Is.EqualTo(new[] { blockOffset }));
        Assert.That(report.CorruptFiles[0].Blocks[0].Expected, Is.Not.EqualTo(report.CorruptFiles[0].Blocks[0].Actual));
        Assert.That(engine.GetStatistics().ChecksumFailuresTotal, Is.EqualTo(1));
    }

    [Test]
    public void ComputeDigest_SameDataDifferentHistory_SameDigest()
    {
        using var dirA = new TempDirectory();
        using var dirB = new TempDirectory();
        using var a = LsmEngine.Open(EngineTestKit.CompactionOptions(dirA));
        using var b = LsmEngine.Open(EngineTestKit.CompactionOptions(dirB));
        Fill(a, "k", 200);
        b.Put(Bytes.Of("k00005"), Bytes.Of("stale"));
        b.Flush();
        Fill(b, "k", 200);
        b.Put(Bytes.Of("zzz"), Bytes.Of("outside the range"));

        var digestA = a.Integrity.ComputeDigest(Bytes.Of("k"), Bytes.Of("l"));
        var digestB = b.Integrity.ComputeDigest(Bytes.Of("k"), Bytes.Of("l"));

        Assert.That(digestB, Is.EqualTo(digestA));
        Assert.That(digestA.Entries, Is.EqualTo(200));
        b.Put(Bytes.Of("k00100"), Bytes.Of("changed"));
        Assert.That(b.Integrity.ComputeDigest(Bytes.Of("k"), Bytes.Of("l")).Digest, Is.Not.EqualTo(digestA.Digest));
    }

    private static void Fill(LsmEngine engine, string prefix, int count)
    {
        for (var i = 0; i < count; i++)
        {
            engine.Put(Bytes.Of($"{prefix}{i:D5}"), Bytes.Of(new string('v', 100)));
        }

        engine.Flush();
    }

    private sealed class SynchronousProgress(Action<IntegrityScanProgress> report) : IProgress<IntegrityScanProgress>
    {
        public void Report(IntegrityScanProgress value)
        {
            lock (this)
            {
                report(value);
            }
        }
    }
}
