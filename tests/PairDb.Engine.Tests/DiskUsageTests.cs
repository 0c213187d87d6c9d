using static PairDb.Engine.Tests.EngineTestKit;

namespace PairDb.Engine.Tests;

public sealed class DiskUsageTests
{
    [Test]
    public async Task GetDiskUsage_AfterFlushAndCompaction_AccountsEveryComponent()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(CompactionOptions(dir));
        PutFlush(engine, ("a", "1"), ("b", "2"));
        PutFlush(engine, ("c", "3"));
        await engine.Compaction.TriggerAsync();
        PutFlush(engine, ("d", "4"));

        var usage = engine.GetDiskUsage();

        var tables = Directory.GetFiles(Path.Combine(dir.Path, "sstables"), "*.sst", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.That(usage.LevelBytes[0], Is.GreaterThan(0));
        Assert.That(usage.LevelBytes[1], Is.GreaterThan(0));
        Assert.That(usage.SSTableBytes, Is.EqualTo(tables));
        Assert.That(usage.CommitLogBytes, Is.GreaterThan(0));
        Assert.That(usage.ManifestBytes, Is.GreaterThan(0));
        Assert.That(usage.TempBytes, Is.Zero);
    }

    [Test]
    public async Task DropRangeAsync_RangeAcrossLevels_RemovesOnlyThatRange()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(CompactionOptions(dir, targetFileBytes: 16 << 10));
        for (var i = 0; i < 600; i++)
        {
            engine.Put(Bytes.Of($"key{i:D4}"), Bytes.Of(new string('v', 100)));
        }

        engine.Flush();
        await engine.Compaction.CompactAllAsync(); // several L1 tables, some wholly inside the range
        for (var i = 0; i < 600; i += 10)
        {
            engine.Put(Bytes.Of($"key{i:D4}"), Bytes.Of("newer"));
        }

        engine.Flush();
        engine.Put(Bytes.Of("key0250"), Bytes.Of("memtable"));

        await engine.DropRangeAsync(Bytes.Of("key0200"), Bytes.Of("key0400"));

        var keys = engine.Scan(null, null).Select(kv => Bytes.Text(kv.Key)).ToList();
        Assert.That(keys, Has.Count.EqualTo(400));
        Assert.That(keys.Any(k => string.CompareOrdinal(k, "key0200") >= 0 && string.CompareOrdinal(k, "key0400") < 0), Is.False);
        Assert.That(ReadValue(engine, "key0190"), Is.EqualTo("newer"));
        Assert.That(ReadValue(engine, "key0400"), Is.EqualTo("newer"));
        Assert.That(Survivors(engine).Any(s => string.CompareOrdinal(s, "key0200") >= 0 && string.CompareOrdinal(s, "key0400") < 0), Is.False);
        Assert.That(TableFilesOnDisk(dir.Path), Is.EqualTo(LiveTableFiles(engine)));
    }
}
