using static PairDb.Engine.Tests.EngineTestKit;

namespace PairDb.Engine.Tests;

/// <summary>The predicate-driven drop, table removal, the allocation-free cursor and SyncAsync.</summary>
public sealed class DropKeysTests
{
    [Test]
    public async Task DropKeysAsync_OlderVersionInLowerLevel_NeitherVersionSurvivesRestart()
    {
        using var dir = new TempDirectory();
        using (var engine = LsmEngine.Open(CompactionOptions(dir)))
        {
            PutFlush(engine, ("drop-a", "v1"), ("keep-a", "v1"));
            await engine.Compaction.CompactAllAsync(); // v1 now lives in L1
            PutFlush(engine, ("drop-a", "v2"), ("drop-b", "v2")); // newer versions in L0
            engine.Put(Bytes.Of("drop-c"), Bytes.Of("memtable"));
            engine.Put(Bytes.Of("keep-b"), Bytes.Of("memtable"));

            var result = await engine.DropKeysAsync(static key => key.StartsWith("drop-"u8));

            Assert.That(result.KeysDropped, Is.EqualTo(3));
            Assert.That(Survivors(engine).Any(s => s.StartsWith("drop-", StringComparison.Ordinal)), Is.False);
        }

        using var reopened = LsmEngine.Open(CompactionOptions(dir));
        var keys = reopened.Scan(null, null).Select(kv => Bytes.Text(kv.Key)).ToList();
        Assert.That(keys, Is.EqualTo(new[] { "keep-a", "keep-b" }));
        Assert.That(ReadValue(reopened, "drop-a"), Is.Null);
        Assert.That(Survivors(reopened).Any(s => s.StartsWith("drop-", StringComparison.Ordinal)), Is.False);
        Assert.That(TableFilesOnDisk(dir.Path), Is.EqualTo(LiveTableFiles(reopened)));
    }

    [Test]
    public async Task DropKeysAsync_EveryKey_LeavesNoTablesAndNoTombstones()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(CompactionOptions(dir));
        PutFlush(engine, ("a", "1"), ("b", "2"));
        PutFlush(engine, ("b", null), ("c", "3"));

        var result = await engine.DropKeysAsync(static _ => true);

        Assert.That(result.KeysDropped, Is.EqualTo(2)); // a and c: b's newest version is a tombstone
        Assert.That(Survivors(engine), Is.Empty);
        Assert.That(engine.Scan(null, null).Any(), Is.False);
        Assert.That(result.BytesReclaimed, Is.GreaterThan(0));
    }

    [Test]
    public async Task RemoveTablesAsync_OneTable_DropsItFromManifestAndDisk()
    {
        using var dir = new TempDirectory();
        TableInfo removed;
        using (var engine = LsmEngine.Open(CompactionOptions(dir)))
        {
            PutFlush(engine, ("a", "1"), ("b", "1"));
            PutFlush(engine, ("c", "2"), ("d", "2"));
            var tables = engine.ListTables();
            removed = tables.Single(t => Bytes.Text(t.SmallestKey) == "c");

            var result = await engine.RemoveTablesAsync([removed.FileId]);

            Assert.That(result.Single().FileName, Is.EqualTo($"sstable-{removed.FileId}.sst"));
            Assert.That(Bytes.Text(result.Single().LargestKey), Is.EqualTo("d"));
            Assert.That(engine.ListTables().Select(t => t.FileId), Does.Not.Contain(removed.FileId));
        }

        Assert.That(File.Exists(removed.FilePath), Is.False);
        using var reopened = LsmEngine.Open(CompactionOptions(dir));
        Assert.That(reopened.Scan(null, null).Select(kv => Bytes.Text(kv.Key)), Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public void RemoveTablesAsync_UnknownId_ThrowsAndRemovesNothing()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(CompactionOptions(dir));
        PutFlush(engine, ("a", "1"));
        var live = engine.ListTables().Single();

        Assert.That(async () => await engine.RemoveTablesAsync([live.FileId, 9999]), Throws.ArgumentException.With.Message.Contains("9999"));
        Assert.That(engine.ListTables().Single().FileId, Is.EqualTo(live.FileId));
    }

    [Test]
    public void OpenCursor_MixedSources_YieldsLiveEntriesInOrderWithinBounds()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(CompactionOptions(dir));
        PutFlush(engine, ("a", "1"), ("b", "old"), ("c", "3"), ("e", "5"));
        engine.Put(Bytes.Of("b"), Bytes.Of("new"));
        engine.Delete(Bytes.Of("c"));
        engine.Put(Bytes.Of("d"), Bytes.Of(new string('x', 10_000))); // larger than the cursor's first buffer
        using var snapshot = engine.GetSnapshot();
        engine.Put(Bytes.Of("b"), Bytes.Of("after-snapshot"));

        var cursor = snapshot.OpenCursor(Bytes.Of("b"), Bytes.Of("e"));
        var seen = new List<string>();
        while (cursor.MoveNext())
        {
            seen.Add($"{Bytes.Text(cursor.Key.ToArray())}={cursor.Value.Length}:{Bytes.Text(cursor.Value[..Math.Min(3, cursor.Value.Length)].ToArray())}");
        }

        Assert.That(seen, Is.EqualTo(new[] { "b=3:new", "d=10000:xxx" }));
    }

    [Test]
    public async Task SyncAsync_PeriodicMode_CountsAnFsyncOfTheLatestWrite()
    {
        using var dir = new TempDirectory();
        var options = CompactionOptions(dir);
        using var engine = LsmEngine.Open(new LsmEngineOptions
        {
            DataDirectory = options.DataDirectory,
            Durability = DurabilityMode.Periodic,
            PeriodicSyncInterval = TimeSpan.FromHours(1),
        });
        engine.Put(Bytes.Of("k"), Bytes.Of("v"));
        var before = engine.GetStatistics().CommitLogSyncsTotal;

        await engine.SyncAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(engine.GetStatistics().CommitLogSyncsTotal, Is.GreaterThan(before));
    }
}
