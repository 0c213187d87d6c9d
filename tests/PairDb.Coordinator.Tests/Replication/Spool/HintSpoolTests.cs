using Microsoft.Extensions.Logging.Abstractions;
using PairDb.Coordinator.Replication.Hints.Spool;
using PairDb.Coordinator.Telemetry;
using PairDb.Coordinator.Tests.Support;
using PairDb.Testing;

namespace PairDb.Coordinator.Tests.Replication.Spool;

/// <summary>
/// The hint spool on its own files: what is appended survives a reopen; a torn or CRC-bad tail is cut at the last
/// good record (everything before it kept); done marks survive a reopen; past its capacity the spool takes a prefix.
/// </summary>
public sealed class HintSpoolTests
{
    private const long Capacity = 64L * 1024 * 1024;

    [Test]
    public void Append_ThenReopen_RecoversEveryHintAsWritten()
    {
        using var directory = TestDirectory.Create();
        var hints = Hints(3);
        using (var spool = Open(directory))
        {
            Assert.That(spool.Append(hints), Is.EqualTo(3));
        }

        using var reopened = Open(directory);

        var recovered = reopened.Oldest(10, long.MaxValue);
        Assert.That(recovered.Select(h => h.Uid), Is.EqualTo(hints.Select(h => h.Uid)));
        Assert.That(recovered[1].Payload, Is.EqualTo(hints[1].Payload));
        Assert.That(recovered[1].Key, Is.EqualTo(hints[1].Key));
        Assert.That(recovered[1].TenantId, Is.EqualTo(hints[1].TenantId));
        Assert.That(recovered[1].CreatedAt, Is.EqualTo(hints[1].CreatedAt));
        Assert.That(reopened.CountsByTarget(), Is.EqualTo(new Dictionary<string, long> { ["node-0"] = 2, ["node-1"] = 1 }));
    }

    [Test]
    public void Reopen_LastRecordTornAtEveryOffset_CutThereAndTheOthersKept()
    {
        using var directory = TestDirectory.Create();
        using (var spool = Open(directory))
        {
            spool.Append(Hints(2));
        }
        var file = SegmentFile(directory);
        var whole = File.ReadAllBytes(file);
        var lastStart = whole.Length - SpoolRecord.Hint(Hints(2)[1]).Length;
        for (var cut = lastStart + 1; cut < whole.Length; cut++)
        {
            File.WriteAllBytes(file, whole.AsSpan(0, cut).ToArray());

            using var reopened = Open(directory);

            Assert.That(reopened.Count, Is.EqualTo(1), $"cut at {cut}");
            Assert.That(new FileInfo(file).Length, Is.EqualTo(lastStart), $"the torn tail was truncated (cut at {cut})");
        }
    }

    [Test]
    public void Reopen_RecordFailsItsCrc_CutAtThatRecordAndLogged()
    {
        using var directory = TestDirectory.Create();
        var hints = Hints(3);
        using (var spool = Open(directory))
        {
            spool.Append(hints);
        }
        var file = SegmentFile(directory);
        var bytes = File.ReadAllBytes(file);
        var second = SpoolRecord.Hint(hints[0]).Length;
        bytes[second + SpoolRecord.HeaderSize + 20] ^= 0xFF;
        File.WriteAllBytes(file, bytes);
        var log = new ListLogger<HintSpool>();

        using var reopened = new HintSpool(directory.Combine(HintSpool.DirectoryName), Capacity, Metrics(), log);

        Assert.That(reopened.Oldest(10, long.MaxValue).Select(h => h.Uid), Is.EqualTo(new[] { hints[0].Uid }));
        Assert.That(log.Messages, Has.Some.Contains($"Hint spool tail cut file={file} offset={second}").And.Contains("checksum mismatch"));
    }

    [Test]
    public void MarkDone_ThenReopen_DoneHintsStayDoneAndAnEmptySpoolDeletesItsFiles()
    {
        using var directory = TestDirectory.Create();
        var hints = Hints(3);
        using (var spool = Open(directory))
        {
            spool.Append(hints);
            spool.MarkDone([hints[0].Uid, hints[2].Uid]);
        }
        using (var reopened = Open(directory))
        {
            Assert.That(reopened.Oldest(10, long.MaxValue).Select(h => h.Uid), Is.EqualTo(new[] { hints[1].Uid }), "the done marks survived the restart");
            reopened.MarkDone([hints[1].Uid]);
            Assert.That(reopened.Bytes, Is.Zero);
        }
        Assert.That(Directory.GetFiles(directory.Combine(HintSpool.DirectoryName)), Is.Empty);
    }

    [Test]
    public void Append_PastCapacity_TakesTheHintsThatFitAndRefusesTheRest()
    {
        using var directory = TestDirectory.Create();
        var hints = Hints(3);
        var oneRecord = SpoolRecord.Hint(hints[0]).Length;
        using var spool = new HintSpool(directory.Combine(HintSpool.DirectoryName), 2L * oneRecord, Metrics(), NullLogger<HintSpool>.Instance);

        Assert.That(spool.Append(hints), Is.EqualTo(2));
        Assert.That(spool.Append(Hints(1)), Is.Zero, "full");
        Assert.That(spool.Count, Is.EqualTo(2));
    }

    /// <summary>Hints of equal size (so the arithmetic on record lengths holds), alternating two targets.</summary>
    internal static List<SpooledHint> Hints(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new SpooledHint(Guid.CreateVersion7(), $"node-{i % 2}", "tenant-a", [(byte)i, 1, 2],
            Enumerable.Repeat((byte)(i + 7), 100).ToArray(), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000 + i)))];

    private static HintSpool Open(TestDirectory directory) =>
        new(directory.Combine(HintSpool.DirectoryName), Capacity, Metrics(), NullLogger<HintSpool>.Instance);

    private static HintSpoolMetrics Metrics() => new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    private static string SegmentFile(TestDirectory directory) => Directory.GetFiles(directory.Combine(HintSpool.DirectoryName)).Single();
}
