namespace PairDb.Engine.Tests;

public sealed class CompactionConcurrencyTests
{
    [Test]
    public void AutomaticCompaction_UnderConcurrentWritesReadsAndSnapshots_ReadsStayConsistent()
    {
        using var dir = new TempDirectory();
        var options = new LsmEngineOptions
        {
            DataDirectory = dir.Path,
            MemtableSizeBytes = 64 << 10,
            CommitLogSegmentBytes = 64 << 10,
            Cache = new BlockCacheOptions { CapacityBytes = 256 << 10, Shards = 4 },
            Compaction = new CompactionOptions { Level0Trigger = 2, BaseLevelSizeBytes = 64 << 10, TargetFileSizeBytes = 32 << 10, MaxBytesPerSecond = 0 },
        };
        using var engine = LsmEngine.Open(options);
        const int keys = 500;
        var latest = new int[keys];
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();

        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var random = new Random();
            while (!stop.IsCancellationRequested)
            {
                var k = random.Next(keys);
                var floor = Volatile.Read(ref latest[k]);
                if (engine.TryGet(Bytes.Of($"key{k:D4}"), out var value) && int.Parse(Bytes.Text(value)[..6]) < floor)
                {
                    lock (failures)
                    {
                        failures.Add($"key{k:D4} read {Bytes.Text(value)[..6]} after {floor} was acknowledged");
                    }
                }

                using var snapshot = engine.GetSnapshot();
                var first = snapshot.Scan(null, null).Count();
                var second = snapshot.Scan(null, null).Count();
                if (first != second)
                {
                    lock (failures)
                    {
                        failures.Add($"snapshot scan changed from {first} to {second} entries");
                    }
                }
            }
        })).ToArray();

        for (var round = 1; round <= 100; round++)
        {
            for (var k = 0; k < keys; k++)
            {
                engine.Put(Bytes.Of($"key{k:D4}"), Bytes.Of($"{round:D6}{new string('v', 60)}"));
                Volatile.Write(ref latest[k], round);
            }
        }

        stop.Cancel();
        Task.WaitAll(readers);
        EngineTestKit.WaitUntil(() => !engine.Compaction.IsRunning, "compaction to finish");

        Assert.That(failures, Is.Empty);
        Assert.That(engine.Compaction.GetStatus().CompactionsCompleted, Is.GreaterThan(10));
        for (var k = 0; k < keys; k++)
        {
            Assert.That(EngineTestKit.ReadValue(engine, $"key{k:D4}")![..6], Is.EqualTo("000100"));
        }
    }
}
