using PairDb.Engine.CrashWorker;

namespace PairDb.Engine.Tests;

/// <summary>
/// Kill -9 at random moments: after every reopen each acknowledged write reads back exactly, every value
/// present is the one derived from its key (nothing fabricated), and two-key batches are all-or-nothing.
/// </summary>
public sealed class CrashRecoveryTests
{
    [Test]
    public void SyncMode_KilledAtRandomMoments_LosesNoAcknowledgedWrite()
    {
        var cycles = int.TryParse(Environment.GetEnvironmentVariable("PAIRDB_STRESS_CYCLES"), out var n) ? n : 20;
        var random = new Random(12345);
        var acknowledged = new List<string>();
        using var dir = new TempDirectory();
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            using (var worker = new CrashWorkerProcess(dir.Path, cycle, writers: 8))
            {
                worker.WaitForAcks(random.Next(1, 1500), TimeSpan.FromSeconds(60));
                acknowledged.AddRange(worker.KillAndCollect());
            }

            using var engine = LsmEngine.Open(new LsmEngineOptions { DataDirectory = dir.Path });
            Assert.That(engine.NeedsRepair, Is.False, $"cycle {cycle}: a kill must only ever tear the tail");
            foreach (var key in acknowledged)
            {
                Assert.That(engine.TryGet(Bytes.Of(key), out var value), Is.True, $"cycle {cycle}: acknowledged {key} lost");
                Assert.That(value, Is.EqualTo(CrashValues.ValueFor(key)), $"cycle {cycle}: {key} has a wrong value");
            }

            var present = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (key, value) in engine.Scan(null, null))
            {
                var text = Bytes.Text(key);
                Assert.That(value, Is.EqualTo(CrashValues.ValueFor(text)), $"cycle {cycle}: {text} holds a value never written");
                present.Add(text);
            }

            foreach (var key in present)
            {
                var index = int.Parse(key[^9..^2], System.Globalization.CultureInfo.InvariantCulture);
                var partner = index % 2 == 0 ? null : key[..^1] + (key[^1] == 'a' ? "b" : "a");
                if (partner is not null)
                {
                    Assert.That(present, Does.Contain(partner), $"cycle {cycle}: batch half {key} without {partner}");
                }
            }
        }

        Assert.That(acknowledged, Has.Count.GreaterThan(cycles));
    }
}
