using Microsoft.Extensions.Time.Testing;

namespace PairDb.Engine.Tests;

public sealed class EngineBasicsTests
{
    [Test]
    public void PutGetDelete_AcrossReopenAndFlush_ReadsNewestVersion()
    {
        using var dir = new TempDirectory();
        using (var engine = LsmEngine.Open(dir.Options()))
        {
            engine.Put(Bytes.Of("a"), Bytes.Of("1"));
            engine.Put(Bytes.Of("b"), Bytes.Of("2"));
            engine.Flush();
            engine.Put(Bytes.Of("a"), Bytes.Of("3"));
            engine.Delete(Bytes.Of("b"));
        }

        using var reopened = LsmEngine.Open(dir.Options());
        Assert.That(reopened.TryGet(Bytes.Of("a"), out var a), Is.True);
        Assert.That(Bytes.Text(a!), Is.EqualTo("3"));
        Assert.That(reopened.TryGet(Bytes.Of("b"), out _), Is.False);
        Assert.That(reopened.TryGet(Bytes.Of("c"), out _), Is.False);
    }

    [Test]
    public void WriteBatch_AfterReopen_AllEntriesVisibleTogether()
    {
        using var dir = new TempDirectory();
        using (var engine = LsmEngine.Open(dir.Options(DurabilityMode.Sync)))
        {
            var batch = new WriteBatch();
            batch.Put(Bytes.Of("x"), Bytes.Of("1"));
            batch.Put(Bytes.Of("y"), Bytes.Of("2"));
            batch.Delete(Bytes.Of("z"));
            engine.Put(Bytes.Of("z"), Bytes.Of("old"));
            engine.Write(batch);
        }

        using var reopened = LsmEngine.Open(dir.Options());
        var all = reopened.Scan(null, null).Select(kv => Bytes.Text(kv.Key) + "=" + Bytes.Text(kv.Value)).ToList();
        Assert.That(all, Is.EqualTo(new[] { "x=1", "y=2" }));
    }

    [Test]
    public async Task WriteAsync_SyncMode_CompletesAfterDurable()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(dir.Options(DurabilityMode.Sync));
        var batch = new WriteBatch();
        batch.Put(Bytes.Of("k"), Bytes.Of("v"));
        await engine.WriteAsync(batch);
        Assert.That(engine.GetStatistics().CommitLogSyncsTotal, Is.GreaterThanOrEqualTo(1));
        Assert.That(engine.TryGet(Bytes.Of("k"), out _), Is.True);
    }

    [Test]
    public void PutWithExpiry_AfterTimePasses_ReadsAbsentInGetAndScan()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(dir.Options(time: time));
        engine.Put(Bytes.Of("ttl"), Bytes.Of("v"), time.GetUtcNow().AddMinutes(5));
        engine.Put(Bytes.Of("keep"), Bytes.Of("v"));
        Assert.That(engine.TryGet(Bytes.Of("ttl"), out _), Is.True);
        engine.Flush();
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.That(engine.TryGet(Bytes.Of("ttl"), out _), Is.False);
        Assert.That(engine.Scan(null, null).Select(kv => Bytes.Text(kv.Key)), Is.EqualTo(new[] { "keep" }));
    }

    [Test]
    public void Scan_BoundsAndSnapshot_SeesOnlyWritesBeforeSnapshotInRange()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(dir.Options(memtableBytes: 64 << 10));
        for (var i = 0; i < 2000; i++)
        {
            engine.Put(Bytes.Of($"k{i:D5}"), Bytes.Of($"v{i}"));
        }

        using var snapshot = engine.GetSnapshot();
        for (var i = 0; i < 2000; i++)
        {
            engine.Put(Bytes.Of($"k{i:D5}"), Bytes.Of("new"));
        }

        engine.Delete(Bytes.Of("k00150"));

        engine.Flush();
        var scanned = snapshot.Scan(Bytes.Of("k00100"), Bytes.Of("k00200")).ToList();
        Assert.That(scanned, Has.Count.EqualTo(100));
        Assert.That(scanned.All(kv => Bytes.Text(kv.Value) == "v" + int.Parse(Bytes.Text(kv.Key)[1..])), Is.True);
        Assert.That(snapshot.TryGet(Bytes.Of("k00150"), out var old) && Bytes.Text(old) == "v150", Is.True);
        Assert.That(engine.TryGet(Bytes.Of("k00150"), out _), Is.False);
    }

    [Test]
    public void Flush_DuringConcurrentWritesAndReads_NoWriteLostAndReadsConsistent()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(dir.Options(memtableBytes: 64 << 10));
        const int Writers = 4;
        const int PerWriter = 5000;
        var failures = 0;
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                for (var w = 0; w < Writers; w++)
                {
                    if (engine.TryGet(Bytes.Of($"w{w}-{0:D6}"), out var v) && Bytes.Text(v) != $"w{w}-{0:D6}")
                    {
                        Interlocked.Increment(ref failures);
                    }
                }

                string? previous = null;
                foreach (var kv in engine.Scan(Bytes.Of("w0-"), Bytes.Of("w0-001000")))
                {
                    var key = Bytes.Text(kv.Key);
                    if (previous is not null && string.CompareOrdinal(previous, key) >= 0)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    previous = key;
                }
            }
        });
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                var key = $"w{w}-{i:D6}";
                engine.Put(Bytes.Of(key), Bytes.Of(key));
                if (i % 1000 == 0)
                {
                    engine.Flush();
                }
            }
        })).ToArray();
        Task.WaitAll(writers);
        stop.Cancel();
        reader.Wait();
        Assert.That(failures, Is.Zero);
        Assert.That(engine.GetStatistics().FlushesTotal, Is.GreaterThan(4));
        for (var w = 0; w < Writers; w++)
        {
            for (var i = 0; i < PerWriter; i++)
            {
                var key = $"w{w}-{i:D6}";
                Assert.That(engine.TryGet(Bytes.Of(key), out var v) ? Bytes.Text(v) : null, Is.EqualTo(key));
            }
        }
    }

    [Test]
    public void Open_OrphanTableNotInManifest_IsDeleted()
    {
        using var dir = new TempDirectory();
        using (var engine = LsmEngine.Open(dir.Options()))
        {
            engine.Put(Bytes.Of("a"), Bytes.Of("1"));
            engine.Flush();
        }

        var orphan = Path.Combine(dir.Path, "sstables", "l0", "sstable-999.sst");
        File.WriteAllBytes(orphan, new byte[100]);
        using var reopened = LsmEngine.Open(dir.Options());
        Assert.That(File.Exists(orphan), Is.False);
        Assert.That(reopened.GetStatistics().OrphanFilesDeleted, Is.EqualTo(1));
        Assert.That(reopened.TryGet(Bytes.Of("a"), out _), Is.True);
    }

    [Test]
    public void DeleteCleanableSegments_AfterFlush_RemovesOnlyFlushedSegmentsAndDataSurvives()
    {
        using var dir = new TempDirectory();
        using (var engine = LsmEngine.Open(dir.Options()))
        {
            for (var i = 0; i < 3000; i++)
            {
                engine.Put(Bytes.Of($"k{i:D5}"), new byte[100]);
            }

            Assert.That(engine.ListCleanableSegments(), Is.Empty, "nothing is flushed yet");
            engine.Flush();

            // Periodic mode: segments appear as the log's background writer reaches them, which under load can trail the flush.
            EngineTestKit.WaitUntil(() => engine.ListCleanableSegments().Count >= 4, "the commit-log writer to create the flushed records' segments");
            var cleanable = engine.ListCleanableSegments();
            var flushed = engine.GetStatistics().FlushedSequence;
            Assert.That(cleanable, Is.Not.Empty, "3000 puts of ~120 bytes fill more than one 64 KiB segment, all flushed");
            Assert.That(cleanable.All(s => s.LastSequence <= flushed), Is.True, "a cleanable segment holds only flushed records");
            // In periodic mode the log writer may still be rolling segments for already-flushed records,
            // so more can have become cleanable since the listing; never fewer.
            Assert.That(engine.DeleteCleanableSegments(), Is.GreaterThanOrEqualTo(cleanable.Count));
            Assert.That(cleanable.All(s => !File.Exists(s.FilePath)), Is.True);
            Assert.That(CommitLogFiles.Segments(dir.Path), Is.Not.Empty, "the active segment is never cleanable");
            engine.Put(Bytes.Of("after"), Bytes.Of("1"));
        }

        using var reopened = LsmEngine.Open(dir.Options());
        Assert.That(reopened.TryGet(Bytes.Of("k02999"), out _), Is.True);
        Assert.That(reopened.TryGet(Bytes.Of("after"), out _), Is.True);
    }

    [Test]
    public void Put_BeyondMemtableSize_FlushesInBackgroundWithoutStalling()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(dir.Options(memtableBytes: 64 << 10));
        for (var i = 0; i < 20_000; i++)
        {
            engine.Put(Bytes.Of($"k{i:D6}"), new byte[50]);
        }

        engine.Flush();
        var stats = engine.GetStatistics();
        Assert.That(stats.FlushesTotal, Is.GreaterThan(10));
        // Automatic compaction merges L0 meanwhile, so tables are counted over every level.
        Assert.That(stats.SSTableCountByLevel.Sum(), Is.GreaterThanOrEqualTo(1));
        Assert.That(engine.Scan(null, null).Count(), Is.EqualTo(20_000));
    }

    [TestCase(nameof(LsmEngineOptions.MemtableSizeBytes))]
    [TestCase(nameof(LsmEngineOptions.BlockSizeBytes))]
    [TestCase(nameof(LsmEngineOptions.MaxImmutableMemtables))]
    public void Validate_BadSetting_ThrowsNamingIt(string setting)
    {
        var options = setting switch
        {
            nameof(LsmEngineOptions.MemtableSizeBytes) => new LsmEngineOptions { DataDirectory = "/tmp/x", MemtableSizeBytes = 1 },
            nameof(LsmEngineOptions.BlockSizeBytes) => new LsmEngineOptions { DataDirectory = "/tmp/x", BlockSizeBytes = 0 },
            _ => new LsmEngineOptions { DataDirectory = "/tmp/x", MaxImmutableMemtables = 0 },
        };
        Assert.That(options.Validate, Throws.ArgumentException.With.Property("ParamName").EqualTo(setting));
    }
}
