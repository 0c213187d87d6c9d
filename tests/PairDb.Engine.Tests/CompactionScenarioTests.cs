using Microsoft.Extensions.Time.Testing;
using static PairDb.Engine.Tests.EngineTestKit;

namespace PairDb.Engine.Tests;

/// <summary>"Given these tables, after compaction expect these survivors."</summary>
public sealed class CompactionScenarioTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Test]
    public async Task CompactAll_OverwrittenKeyInThreeTables_KeepsOnlyNewestVersion()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(CompactionOptions(dir));
        PutFlush(engine, ("k", "v1"), ("a", "1"));
        PutFlush(engine, ("k", "v2"));
        PutFlush(engine, ("k", "v3"), ("z", "26"));

        await engine.Compaction.CompactAllAsync();

        Assert.That(Survivors(engine), Is.EqualTo(new[] { "a@L1:Value=1", "k@L1:Value=v3", "z@L1:Value=26" }));
        Assert.That(engine.GetStatistics().SSTableCountByLevel[0], Is.Zero);
    }

    [Test]
    public async Task CompactAll_OpenSnapshotSeesOldVersion_OldVersionSurvivesUntilSnapshotCloses()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(CompactionOptions(dir));
        PutFlush(engine, ("k", "v1"));
        var snapshot = engine.GetSnapshot();
        PutFlush(engine, ("k", "v2"));
        PutFlush(engine, ("k", "v3"));

        await engine.Compaction.CompactAllAsync();

        Assert.That(Survivors(engine), Is.EqualTo(new[] { "k@L1:Value=v3", "k@L1:Value=v1" }));
        Assert.That(snapshot.TryGet(Bytes.Of("k"), out var seen) ? Bytes.Text(seen) : null, Is.EqualTo("v1"));
        snapshot.Dispose();

        await engine.Compaction.CompactAllAsync();

        Assert.That(Survivors(engine), Is.EqualTo(new[] { "k@L1:Value=v3" }));
    }

    [Test]
    public async Task CompactAll_TombstoneYoungerThanGrace_KeepsTombstoneDropsValue()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        using var engine = LsmEngine.Open(CompactionOptions(dir, time));
        PutFlush(engine, ("gone", "v"), ("kept", "v"));
        PutFlush(engine, ("gone", null));
        time.Advance(TimeSpan.FromDays(9));

        await engine.Compaction.CompactAllAsync();

        Assert.That(Survivors(engine), Is.EqualTo(new[] { "gone@L1:Tombstone", "kept@L1:Value=v" }));
        Assert.That(ReadValue(engine, "gone"), Is.Null);
    }

    [Test]
    public async Task CompactAll_TombstoneOlderThanGraceAtBottom_DropsTombstone()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        using var engine = LsmEngine.Open(CompactionOptions(dir, time));
        PutFlush(engine, ("gone", "v"), ("kept", "v"));
        PutFlush(engine, ("gone", null));
        time.Advance(TimeSpan.FromDays(10) + TimeSpan.FromSeconds(1));

        var result = await engine.Compaction.CompactAllAsync();

        Assert.That(Survivors(engine), Is.EqualTo(new[] { "kept@L1:Value=v" }));
        Assert.That(result.BytesReclaimed, Is.GreaterThan(0));
        Assert.That(engine.Compaction.GetStatus().BytesReclaimed, Is.EqualTo(result.BytesReclaimed));
        Assert.That(engine.GetStatistics().CompactionBytesReclaimed, Is.EqualTo(result.BytesReclaimed));
        Assert.That(engine.GetStatistics().CompactionRunning, Is.Zero);
    }

    [Test]
    public async Task Trigger_OldTombstoneAboveOlderValueInDeeperLevel_KeepsTombstoneUntilBottom()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        using var engine = LsmEngine.Open(CompactionOptions(dir, time));
        PutFlush(engine, ("k", "old"));
        await engine.Compaction.CompactAllAsync(); // k in L1
        await engine.Compaction.TriggerAsync(); // the only non-empty level: L1 -> L2
        PutFlush(engine, ("k", null));
        time.Advance(TimeSpan.FromDays(30));

        await engine.Compaction.TriggerAsync(); // L0 -> L1: L2 still holds "old", so the tombstone must stay

        Assert.That(Survivors(engine), Is.EqualTo(new[] { "k@L1:Tombstone", "k@L2:Value=old" }));
        Assert.That(ReadValue(engine, "k"), Is.Null);

        await engine.Compaction.CompactAllAsync();

        Assert.That(Survivors(engine), Is.Empty);
    }

    [Test]
    public async Task CompactAll_ExpiredTtlEntries_Dropped()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        using var engine = LsmEngine.Open(CompactionOptions(dir, time));
        engine.Put(Bytes.Of("short"), Bytes.Of("s"), Start.AddHours(1));
        engine.Put(Bytes.Of("long"), Bytes.Of("l"), Start.AddDays(1));
        engine.Put(Bytes.Of("plain"), Bytes.Of("p"));
        engine.Flush();
        time.Advance(TimeSpan.FromHours(2));

        await engine.Compaction.CompactAllAsync();

        Assert.That(Survivors(engine), Is.EqualTo(new[] { "long@L1:ExpiringValue=l", "plain@L1:Value=p" }));
    }

    [Test]
    public async Task Trigger_ExpiredValueAboveOlderVersion_BecomesTombstoneNotResurrection()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(Start);
        using var engine = LsmEngine.Open(CompactionOptions(dir, time));
        PutFlush(engine, ("k", "old"));
        await engine.Compaction.CompactAllAsync();
        await engine.Compaction.TriggerAsync(); // "old" now in L2
        engine.Put(Bytes.Of("k"), Bytes.Of("ttl"), Start.AddMinutes(1));
        engine.Flush();
        time.Advance(TimeSpan.FromMinutes(2));

        await engine.Compaction.TriggerAsync(); // L0 -> L1, not the bottom for k

        Assert.That(Survivors(engine), Is.EqualTo(new[] { "k@L1:Tombstone", "k@L2:Value=old" }));
        Assert.That(ReadValue(engine, "k"), Is.Null);
    }

    [Test]
    public async Task CompactAll_SmallTargetFileSize_SplitsIntoDisjointSortedTables()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(CompactionOptions(dir, targetFileBytes: 16 << 10));
        var value = new string('x', 200);
        for (var i = 0; i < 1000; i++)
        {
            engine.Put(Bytes.Of($"key{i:D5}"), Bytes.Of(value));
        }

        engine.Flush();
        await engine.Compaction.CompactAllAsync();

        var counts = engine.GetStatistics().SSTableCountByLevel;
        Assert.That(counts[1], Is.GreaterThan(5));
        Assert.That(engine.Scan(null, null).Count(), Is.EqualTo(1000));
        var version = engine.AcquireVersion();
        try
        {
            var level = version.Levels[1];
            for (var i = 1; i < level.Length; i++)
            {
                Assert.That(level[i - 1].Properties.LargestKey.AsSpan().SequenceCompareTo(level[i].Properties.SmallestKey), Is.LessThan(0));
            }
        }
        finally
        {
            version.Release();
        }
    }

    [Test]
    public void AutomaticCompaction_FourL0Tables_CompactsIntoL1()
    {
        using var dir = new TempDirectory();
        var log = new ListLogger();
        using var engine = LsmEngine.Open(CompactionOptions(dir, automatic: true, logger: log));
        for (var table = 0; table < 4; table++)
        {
            PutFlush(engine, ($"k{table}", $"v{table}"), ("shared", $"s{table}"));
        }

        WaitUntil(() => engine.GetStatistics().SSTableCountByLevel[0] == 0 && !engine.Compaction.IsRunning, "L0 to be compacted into L1");

        Assert.That(engine.GetStatistics().SSTableCountByLevel[1], Is.EqualTo(1));
        Assert.That(ReadValue(engine, "shared"), Is.EqualTo("s3"));
        Assert.That(ReadValue(engine, "k0"), Is.EqualTo("v0"));
        Assert.That(engine.Compaction.GetStatus().CompactionsCompleted, Is.EqualTo(1));
        Assert.That(TableFilesOnDisk(dir.Path), Is.EqualTo(LiveTableFiles(engine)));
    }

    [Test]
    public async Task DynamicLevels_SmallDatabase_L0GoesStraightToLastLevelThenBaseMovesUp()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(CompactionOptions(dir, dynamicLevels: true, targetFileBytes: 32 << 10));
        var value = new string('x', 100);
        for (var table = 0; table < 4; table++)
        {
            for (var i = 0; i < 400; i++)
            {
                engine.Put(Bytes.Of($"k{table}-{i:D4}"), Bytes.Of(value));
            }

            engine.Flush();
        }

        await engine.Compaction.TriggerAsync();

        var status = engine.Compaction.GetStatus();
        Assert.That(status.Levels[6].TableCount, Is.GreaterThan(0), "L0 compacts into the last level while it is small");
        Assert.That(status.Levels.Take(6).Sum(l => l.TableCount), Is.Zero);
        Assert.That(status.Levels[6].Bytes, Is.GreaterThan(64 << 10));
        Assert.That(status.Levels[5].TargetBytes, Is.EqualTo(status.Levels[6].Bytes / 10), "the last level's size sets the targets above it");

        PutFlush(engine, ("k0-0001", "new"));
        await engine.Compaction.TriggerAsync();

        Assert.That(engine.Compaction.GetStatus().Levels[5].TableCount, Is.EqualTo(1), "with the last level past the base size, L0 goes to L5");
        Assert.That(ReadValue(engine, "k0-0001"), Is.EqualTo("new"));
    }

    [Test]
    public async Task Status_AfterCompaction_ReportsLevelsAndBytes()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(CompactionOptions(dir));
        PutFlush(engine, ("a", "1"));
        PutFlush(engine, ("a", "2"));

        var status = engine.Compaction.GetStatus();
        Assert.That(status.Levels[0].TableCount, Is.EqualTo(2));
        Assert.That(status.Levels[0].Score, Is.EqualTo(0.5));
        Assert.That(status.Running, Is.False);

        await engine.Compaction.TriggerAllLevelsAsync();

        status = engine.Compaction.GetStatus();
        Assert.That(status.Levels[0].TableCount, Is.Zero);
        Assert.That(status.Levels[1].TableCount, Is.EqualTo(1));
        Assert.That(status.BytesIn, Is.GreaterThan(status.BytesOut));
        Assert.That(status.Levels[1].TargetBytes, Is.EqualTo(64 << 10));
        Assert.That(status.Levels[2].TargetBytes, Is.EqualTo(640 << 10));
    }

    [Test]
    public async Task Emergency_ManyL0Tables_CompactsAndRestoresPoolAndCap()
    {
        using var dir = new TempDirectory();
        var options = CompactionOptions(dir);
        using var engine = LsmEngine.Open(options);
        for (var i = 0; i < 6; i++)
        {
            PutFlush(engine, ($"k{i}", "v"));
        }

        var result = await engine.Compaction.EmergencyAsync();

        Assert.That(result.Jobs, Is.Not.Empty);
        Assert.That(engine.GetStatistics().SSTableCountByLevel[0], Is.Zero);
        Assert.That(engine.Pools.Compaction.MaxWorkers, Is.EqualTo(2));
        Assert.That(engine.Compaction.GetStatus().EmergencyMode, Is.False);
    }
}
