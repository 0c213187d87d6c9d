using PairDb.Engine.Manifest;
using static PairDb.Engine.Tests.EngineTestKit;

namespace PairDb.Engine.Tests;

/// <summary>Recovery deletes only the table files an intact manifest proves unneeded; anything else stays, with a warning.</summary>
public sealed class OrphanRuleTests
{
    private static readonly Dictionary<long, int> Live = new() { [3] = 6, [5] = 0 };

    [TestCase(0, "sstable-5.sst", 5L, "Live")]
    [TestCase(6, "sstable-3.sst", 3L, "Live")]
    [TestCase(0, "sstable-7.sst", 7L, "UnfinishedOutput")]
    [TestCase(0, "sstable-9.sst", 9L, "UnfinishedOutput")]
    [TestCase(0, "sstable-1.sst", 1L, "Dropped")]
    [TestCase(6, "sstable-6.sst", 6L, "Dropped")]
    [TestCase(3, "sstable-3.sst", 3L, "Unexplained")]
    [TestCase(0, "notes.sst", null, "Unexplained")]
    public void Classify_GivenFileAndManifestWithNextId7_ExpectVerdict(int level, string name, long? id, string expected)
    {
        var file = new TableFile(Path.Combine("data", "sstables", "l" + level, name), level, id);

        Assert.That(OrphanRule.Classify(file, nextFileId: 7, Live), Is.EqualTo(Enum.Parse<TableFileVerdict>(expected)));
    }

    [Test]
    public void Open_IdAtOrAboveNextFileId_IsRemovedAndLiveTablesStay()
    {
        using var dir = new TempDirectory();
        using (var engine = LsmEngine.Open(CompactionOptions(dir)))
        {
            PutFlush(engine, ("a", "1"));
            PutFlush(engine, ("b", "2"));
        }

        // Next file id is 3: ids 3 and 4 were never in a durable manifest (an unfinished flush or compaction).
        var unfinished = new[] { Path.Combine(dir.Path, "sstables", "l0", "sstable-3.sst"), Path.Combine(dir.Path, "sstables", "l6", "sstable-4.sst") };
        foreach (var path in unfinished)
        {
            File.WriteAllBytes(path, new byte[100]);
        }

        using var reopened = LsmEngine.Open(CompactionOptions(dir));

        Assert.That(unfinished.Select(File.Exists), Is.All.False);
        Assert.That(reopened.GetStatistics().OrphanFilesDeleted, Is.EqualTo(2));
        Assert.That(TableFilesOnDisk(dir.Path), Is.EqualTo(new[] { "sstable-1.sst", "sstable-2.sst" }));
        Assert.That(LiveTableFiles(reopened), Is.EqualTo(TableFilesOnDisk(dir.Path)));
        Assert.That(new[] { ReadValue(reopened, "a"), ReadValue(reopened, "b") }, Is.EqualTo(new[] { "1", "2" }));
    }

    [Test]
    public async Task Open_CompactionInputLeftBehind_IsRemovedAndOutputStays()
    {
        using var dir = new TempDirectory();
        var input = Path.Combine(dir.Path, "sstables", "l0", "sstable-1.sst");
        byte[] inputBytes;
        using (var engine = LsmEngine.Open(CompactionOptions(dir)))
        {
            PutFlush(engine, ("a", "old"));
            PutFlush(engine, ("b", "2"));
            inputBytes = File.ReadAllBytes(input);
            engine.Put(Bytes.Of("a"), Bytes.Of("new"));
            engine.Flush();
            await engine.Compaction.CompactAllAsync();
        }

        // As if the crash came before the obsolete input's lazy delete: id 1 < next file id, not live.
        File.WriteAllBytes(input, inputBytes);
        using var reopened = LsmEngine.Open(CompactionOptions(dir));

        Assert.That(File.Exists(input), Is.False);
        Assert.That(reopened.GetStatistics().OrphanFilesDeleted, Is.EqualTo(1));
        Assert.That(LiveTableFiles(reopened), Is.EqualTo(TableFilesOnDisk(dir.Path)));
        Assert.That(LiveTableFiles(reopened), Is.Not.Empty);
        Assert.That(ReadValue(reopened, "a"), Is.EqualTo("new"));
    }

    [Test]
    public void Open_FilesNoRuleExplains_AreKeptWithAWarning()
    {
        using var dir = new TempDirectory();
        using (var engine = LsmEngine.Open(CompactionOptions(dir)))
        {
            PutFlush(engine, ("a", "1"));
        }

        var strangers = new[]
        {
            Path.Combine(dir.Path, "sstables", "l0", "notes.sst"),
            Path.Combine(dir.Path, "sstables", "l0", "sstable-01.sst"),
            Path.Combine(dir.Path, "sstables", "l2", "sstable-1.sst"),
        };
        foreach (var path in strangers)
        {
            File.WriteAllBytes(path, new byte[100]);
        }

        using var log = new ListLogger();
        using var reopened = LsmEngine.Open(CompactionOptions(dir, logger: log));

        Assert.That(strangers.Select(File.Exists), Is.All.True);
        Assert.That(reopened.GetStatistics().OrphanFilesDeleted, Is.Zero);
        Assert.That(log.Lines.Where(l => l.StartsWith("Unexplained table file kept", StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(3));
        Assert.That(log.Lines, Has.Some.Contains("reason=\"the manifest names table 1 at level 0\""));
        Assert.That(ReadValue(reopened, "a"), Is.EqualTo("1"));
    }
}
