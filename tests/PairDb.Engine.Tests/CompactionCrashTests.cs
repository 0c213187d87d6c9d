using static PairDb.Engine.Tests.EngineTestKit;

namespace PairDb.Engine.Tests;

/// <summary>A compaction killed at each of its disk steps in turn: after reopening nothing is lost and no file is orphaned.</summary>
public sealed class CompactionCrashTests
{
    [Test]
    public async Task CompactAll_CrashAtEveryStep_ReopenLosesNothingAndLeavesNoOrphan()
    {
        var expected = new Dictionary<string, string?>();
        var crashedSteps = 0;
        for (var budget = 0; budget < 200; budget++)
        {
            using var dir = new TempDirectory();
            var fileSystem = new FreezingFileSystem();
            using (var engine = LsmEngine.Open(CompactionOptions(dir, targetFileBytes: 16 << 10, fileSystem: fileSystem)))
            {
                expected = Load(engine);
                fileSystem.Budget = budget;
                try
                {
                    await engine.Compaction.CompactAllAsync();
                }
                catch (IOException)
                {
                    Assert.That(fileSystem.Frozen, Is.True, "only the simulated crash may fail the compaction");
                }
            }

            using (var reopened = LsmEngine.Open(CompactionOptions(dir)))
            {
                foreach (var (key, value) in expected)
                {
                    Assert.That(ReadValue(reopened, key), Is.EqualTo(value), $"key {key} after a crash at step {budget}");
                }

                Assert.That(TableFilesOnDisk(dir.Path), Is.EqualTo(LiveTableFiles(reopened)), $"orphans after a crash at step {budget}");
                Assert.That(File.Exists(Path.Combine(dir.Path, "MANIFEST.tmp")), Is.False);
            }

            if (!fileSystem.Frozen)
            {
                Assert.That(crashedSteps, Is.GreaterThan(10), "a multi-file compaction has more than ten disk steps");
                return; // the budget covered the whole compaction: every step has been crashed at
            }

            crashedSteps++;
        }

        Assert.Fail("the compaction never completed within 200 steps");
    }

    /// <summary>Three overlapping L0 tables with overwrites and deletes; returns what each key must read.</summary>
    private static Dictionary<string, string?> Load(LsmEngine engine)
    {
        var expected = new Dictionary<string, string?>();
        var payload = new string('p', 150);
        for (var round = 0; round < 3; round++)
        {
            for (var i = round; i < 300; i += 2)
            {
                var key = $"key{i:D4}";
                if (i % 7 == 0 && round == 2)
                {
                    engine.Delete(Bytes.Of(key));
                    expected[key] = null;
                }
                else
                {
                    var value = $"{payload}-{round}";
                    engine.Put(Bytes.Of(key), Bytes.Of(value));
                    expected[key] = value;
                }
            }

            engine.Flush();
        }

        return expected;
    }
}
