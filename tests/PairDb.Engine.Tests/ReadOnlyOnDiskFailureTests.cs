namespace PairDb.Engine.Tests;

/// <summary>
/// A failed commit-log append, segment preallocation, fsync or memtable flush turns the engine read-only with the
/// cause; reads keep working, nothing acknowledged is lost, and once the fault clears TryResumeWrites makes it
/// writable again without a reopen.
/// </summary>
public sealed class ReadOnlyOnDiskFailureTests
{
    private static readonly byte[] Value = new byte[512];

    [TestCase(DiskFault.CommitLogAppend, FaultyFileSystem.Enospc, "commitlog_append")]
    [TestCase(DiskFault.CommitLogAppend, FaultyFileSystem.Eio, "commitlog_append")]
    [TestCase(DiskFault.CommitLogPreallocate, FaultyFileSystem.Enospc, "commitlog_preallocate")]
    [TestCase(DiskFault.CommitLogPreallocate, FaultyFileSystem.Eio, "commitlog_preallocate")]
    [TestCase(DiskFault.CommitLogFsync, FaultyFileSystem.Enospc, "commitlog_fsync")]
    [TestCase(DiskFault.CommitLogFsync, FaultyFileSystem.Eio, "commitlog_fsync")]
    [TestCase(DiskFault.MemtableFlush, FaultyFileSystem.Enospc, "memtable_flush")]
    [TestCase(DiskFault.MemtableFlush, FaultyFileSystem.Eio, "memtable_flush")]
    public void Write_DiskFaultThenFaultCleared_ReadOnlyWithCauseThenResumesLosingNothingAcknowledged(DiskFault fault, int errno, string operation)
    {
        using var dir = new TempDirectory();
        var fileSystem = new FaultyFileSystem();
        var acknowledged = new List<string>();
        var unknown = new List<string>();
        using (var engine = LsmEngine.Open(Options(dir, fileSystem)))
        {
            for (var i = 0; i < 50; i++)
            {
                Put(engine, $"before-{i:D4}", acknowledged);
            }

            fileSystem.Inject(fault, errno);
            EngineReadOnlyException? refused = null;
            for (var i = 0; i < 20_000 && refused is null; i++)
            {
                var key = $"during-{i:D5}";
                try
                {
                    Put(engine, key, acknowledged);
                }
                catch (WriteOutcomeUnknownException e)
                {
                    Assert.That(e.Failure.Operation, Is.EqualTo(operation));
                    unknown.Add(key);
                }
                catch (EngineReadOnlyException e)
                {
                    refused = e;
                }
            }

            Assert.That(refused, Is.Not.Null, "no write was refused after the fault was injected");
            var failure = engine.WriteFailure;
            Assert.That(failure, Is.Not.Null);
            Assert.That(failure!.Operation, Is.EqualTo(operation));
            Assert.That(failure.DiskFull, Is.EqualTo(errno == FaultyFileSystem.Enospc));
            Assert.That(failure.Error, Does.Contain(errno == FaultyFileSystem.Enospc ? "No space left on device" : "Input/output error"));
            Assert.That(failure.FilePath, Does.Contain(fault == DiskFault.MemtableFlush ? ".sst" : "commitlog"));
            Assert.That(refused!.Message, Does.Contain(operation).And.Contain(failure.Error));
            if (fault != DiskFault.MemtableFlush)
            {
                Assert.That(unknown, Is.Not.Empty, "the write caught in the log failure must be reported as outcome unknown");
            }

            // Refused up front: nothing of it is applied.
            Assert.Throws<EngineReadOnlyException>(() => engine.Put(Bytes.Of("refused"), Value));
            Assert.That(engine.TryGet(Bytes.Of("refused"), out _), Is.False);
            AssertReadable(engine, acknowledged, "while read-only");

            // The fault is still there: resuming fails, says why, and the engine stays read-only.
            Assert.That(engine.TryResumeWrites(), Is.False);
            Assert.That(engine.ResumeError, Does.Contain(errno == FaultyFileSystem.Enospc ? "No space left on device" : "Input/output error"));
            Assert.Throws<EngineReadOnlyException>(() => engine.Put(Bytes.Of("refused"), Value));

            fileSystem.Clear();
            Assert.That(engine.TryResumeWrites(), Is.True, engine.ResumeError);
            Assert.That(engine.WriteFailure, Is.Null);
            Assert.That(engine.ResumeError, Is.Null);
            for (var i = 0; i < 300; i++)
            {
                Put(engine, $"after-{i:D4}", acknowledged);
            }

            AssertReadable(engine, acknowledged, "after resuming");
        }

        using var reopened = LsmEngine.Open(Options(dir, new FaultyFileSystem()));
        Assert.That(reopened.NeedsRepair, Is.False);
        AssertReadable(reopened, acknowledged, "after a reopen");
        Assert.That(reopened.TryGet(Bytes.Of("refused"), out _), Is.False);
    }

    [TestCase(DiskFault.CommitLogFsync)]
    [TestCase(DiskFault.CommitLogAppend)]
    public void Write_ConcurrentWritersWhenTheLogFailsThenResume_EveryAcknowledgedWriteSurvivesAReopen(DiskFault fault)
    {
        using var dir = new TempDirectory();
        var fileSystem = new FaultyFileSystem();
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        using (var engine = LsmEngine.Open(Options(dir, fileSystem)))
        {
            var start = new Barrier(5);
            var writers = Enumerable.Range(0, 4).Select(w => new Thread(() =>
            {
                start.SignalAndWait();
                for (var i = 0; i < 100_000; i++)
                {
                    var key = $"w{w}-{i:D6}";
                    try
                    {
                        engine.Put(Bytes.Of(key), Value);
                        acknowledged.Add(key);
                    }
                    catch (WriteOutcomeUnknownException)
                    {
                        outcomes.AddOrUpdate("unknown", 1, (_, n) => n + 1);
                    }
                    catch (EngineReadOnlyException)
                    {
                        outcomes.AddOrUpdate("refused", 1, (_, n) => n + 1);
                        return;
                    }
                }
            })).ToList();
            writers.ForEach(t => t.Start());
            start.SignalAndWait();
            EngineTestKit.WaitUntil(() => acknowledged.Count >= 200, "200 acknowledged writes before the fault");
            fileSystem.Inject(fault, FaultyFileSystem.Eio);
            Assert.That(writers.All(t => t.Join(TimeSpan.FromSeconds(30))), Is.True, "writers to be refused after the log failed");
            Assert.That(outcomes.GetValueOrDefault("refused"), Is.EqualTo(4));

            fileSystem.Clear();
            Assert.That(engine.TryResumeWrites(), Is.True, engine.ResumeError);
            engine.Put(Bytes.Of("after"), Value);
            acknowledged.Add("after");
        }

        using var reopened = LsmEngine.Open(Options(dir, new FaultyFileSystem()));
        Assert.That(reopened.NeedsRepair, Is.False);
        AssertReadable(reopened, [.. acknowledged], "after a reopen");
    }

    [Test]
    public void WriteAsync_CommitLogFsyncFails_AwaitedWriteReportsOutcomeUnknown()
    {
        using var dir = new TempDirectory();
        var fileSystem = new FaultyFileSystem();
        using var engine = LsmEngine.Open(Options(dir, fileSystem));
        fileSystem.Inject(DiskFault.CommitLogFsync, FaultyFileSystem.Eio);
        var batch = new WriteBatch();
        batch.Put(Bytes.Of("k"), Value);

        Assert.ThrowsAsync<WriteOutcomeUnknownException>(async () => await engine.WriteAsync(batch));
        Assert.That(engine.WriteFailure?.Operation, Is.EqualTo("commitlog_fsync"));
        // Applied in memory: the outcome is "maybe", and a reader may already see it.
        Assert.That(engine.TryGet(Bytes.Of("k"), out _), Is.True);
    }

    private static void Put(LsmEngine engine, string key, List<string> acknowledged)
    {
        engine.Put(Bytes.Of(key), Value);
        acknowledged.Add(key);
    }

    private static void AssertReadable(LsmEngine engine, List<string> keys, string when)
    {
        var missing = keys.Where(k => !engine.TryGet(Bytes.Of(k), out _)).ToList();
        Assert.That(missing, Is.Empty, $"acknowledged writes missing {when}");
    }

    private static LsmEngineOptions Options(TempDirectory dir, FaultyFileSystem fileSystem) => new()
    {
        DataDirectory = dir.Path,
        Durability = DurabilityMode.Sync,
        MemtableSizeBytes = 64 << 10,
        CommitLogSegmentBytes = 64 << 10,
        FileSystem = fileSystem,
        Cache = new BlockCacheOptions { CapacityBytes = 1 << 20, Shards = 2 },
    };
}
