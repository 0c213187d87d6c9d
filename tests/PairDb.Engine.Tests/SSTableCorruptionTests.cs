namespace PairDb.Engine.Tests;

public sealed class SSTableCorruptionTests
{
    [Test]
    public void TryGet_FlippedBitInDataBlock_ThrowsNamingFileAndOffsetAndOtherKeysRead()
    {
        using var dir = new TempDirectory();
        using (var engine = LsmEngine.Open(dir.Options()))
        {
            for (var i = 0; i < 2000; i++)
            {
                engine.Put(Bytes.Of($"k{i:D5}"), new byte[100]);
            }

            engine.Flush();
        }

        var table = Directory.GetFiles(Path.Combine(dir.Path, "sstables", "l0"), "*.sst").Single();
        var bytes = File.ReadAllBytes(table);
        bytes[200] ^= 0x08; // inside the first data block, which starts at offset 0
        File.WriteAllBytes(table, bytes);
        foreach (var segment in CommitLogFiles.Segments(dir.Path))
        {
            File.Delete(segment); // the table must be the only copy, as after cleanup
        }

        using var reopened = LsmEngine.Open(dir.Options());
        var error = Assert.Throws<ChecksumMismatchException>(() => reopened.TryGet(Bytes.Of("k00000"), out _))!;
        Assert.That(error.FilePath, Is.EqualTo(table));
        Assert.That(error.Offset, Is.Zero);
        Assert.That(error.Expected, Is.Not.EqualTo(error.Actual));
        Assert.That(error.Message, Does.Contain($"checksum validation failed file={table} offset=0 expected=0x"));
        Assert.That(reopened.TryGet(Bytes.Of("k01999"), out var other), Is.True);
        Assert.That(other, Has.Length.EqualTo(100));
        var stats = reopened.GetStatistics();
        Assert.That(stats.ChecksumFailuresTotal, Is.EqualTo(1));
        Assert.That(stats.CorruptedEntriesTotal, Is.EqualTo(1));
        Assert.Throws<ChecksumMismatchException>(() => reopened.Scan(null, null).ToList());
    }
}
