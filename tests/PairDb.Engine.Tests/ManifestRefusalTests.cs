using System.Buffers.Binary;
using System.IO.Hashing;
using PairDb.Engine.Manifest;
using static PairDb.Engine.Tests.EngineTestKit;

namespace PairDb.Engine.Tests;

/// <summary>
/// "Refuse, don't delete": a data directory whose manifest cannot account for its tables (missing, truncated, CRC,
/// unknown version) is refused by Open with every table file left byte-identical; an older readable version opens.
/// </summary>
public sealed class ManifestRefusalTests
{
    public enum Damage
    {
        Missing,
        TruncatedEmpty,
        TruncatedInMagic,
        TruncatedInHeader,
        TruncatedAfterHeader,
        TruncatedInTables,
        TruncatedLastByte,
        BodyCrcMismatch,
        BadMagic,
        FutureVersion,
        VersionZero,
    }

    [TestCase(Damage.Missing, ManifestProblem.Missing)]
    [TestCase(Damage.TruncatedEmpty, ManifestProblem.Corrupt)]
    [TestCase(Damage.TruncatedInMagic, ManifestProblem.Corrupt)]
    [TestCase(Damage.TruncatedInHeader, ManifestProblem.Corrupt)]
    [TestCase(Damage.TruncatedAfterHeader, ManifestProblem.Corrupt)]
    [TestCase(Damage.TruncatedInTables, ManifestProblem.Corrupt)]
    [TestCase(Damage.TruncatedLastByte, ManifestProblem.Corrupt)]
    [TestCase(Damage.BodyCrcMismatch, ManifestProblem.Corrupt)]
    [TestCase(Damage.BadMagic, ManifestProblem.Corrupt)]
    [TestCase(Damage.FutureVersion, ManifestProblem.UnsupportedVersion)]
    [TestCase(Damage.VersionZero, ManifestProblem.UnsupportedVersion)]
    public async Task Open_DamagedManifestWithTables_RefusesAndKeepsEveryFile(Damage damage, ManifestProblem expected)
    {
        using var dir = new TempDirectory();
        await WriteTablesAtTwoLevels(dir);
        Apply(damage, Path.Combine(dir.Path, "MANIFEST"));
        var before = Snapshot(dir.Path);

        var refusal = Assert.Throws<ManifestUnavailableException>(() => LsmEngine.Open(CompactionOptions(dir)));

        Assert.That(refusal!.Problem, Is.EqualTo(expected));
        Assert.That(refusal.TableFiles.Select(Path.GetFileName), Is.EquivalentTo(TableFilesOnDisk(dir.Path)));
        Assert.That(refusal.Message, Does.Contain("data_directory=" + dir.Path));
        Assert.That(refusal.Message, Does.Contain($"{refusal.TableFiles.Count} table file(s) cannot be accounted for"));
        Assert.That(refusal.Message, Does.Contain("restore MANIFEST from a backup"));
        Assert.That(refusal.Message, Does.Contain(Path.GetFileName(refusal.TableFiles[0])));
        Assert.That(Snapshot(dir.Path), Is.EqualTo(before), "files changed by a refused open");
    }

    [Test]
    public async Task Open_ManifestMissingWithTempFile_RefusesAndKeepsTheTempFile()
    {
        using var dir = new TempDirectory();
        await WriteTablesAtTwoLevels(dir);
        File.Move(Path.Combine(dir.Path, "MANIFEST"), Path.Combine(dir.Path, "MANIFEST.tmp"));
        var before = Snapshot(dir.Path);

        var refusal = Assert.Throws<ManifestUnavailableException>(() => LsmEngine.Open(CompactionOptions(dir)));

        Assert.That(refusal!.Detail, Does.Contain("MANIFEST.tmp is present and kept"));
        Assert.That(Snapshot(dir.Path), Is.EqualTo(before));
    }

    [Test]
    public void Open_NoManifestNoTables_StartsFresh()
    {
        using var dir = new TempDirectory();
        using (var engine = LsmEngine.Open(CompactionOptions(dir)))
        {
            engine.Put(Bytes.Of("a"), Bytes.Of("1"));
        }

        using var reopened = LsmEngine.Open(CompactionOptions(dir));

        Assert.That(ReadValue(reopened, "a"), Is.EqualTo("1"), "an unflushed write replays from the commit log");
    }

    [Test]
    public void Open_FreshDirectory_WritesTheManifestAtOnce_SoATableCutOffBeforeItsInstallIsDeletedOnReopen()
    {
        using var dir = new TempDirectory();
        using (LsmEngine.Open(CompactionOptions(dir)))
        {
            Assert.That(File.Exists(Path.Combine(dir.Path, "MANIFEST")), Is.True, "a fresh open writes its empty manifest before any table can exist");
        }

        // What a kill -9 between a first flush's table write and its manifest replace leaves behind.
        var cutOff = Path.Combine(dir.Path, "sstables", "l0", "sstable-1.sst");
        File.WriteAllBytes(cutOff, new byte[64]);

        using var reopened = LsmEngine.Open(CompactionOptions(dir));

        Assert.That(File.Exists(cutOff), Is.False, "the table was allocated after the durable manifest: an unfinished output");
        Assert.That(reopened.GetStatistics().OrphanFilesDeleted, Is.EqualTo(1));
    }

    [Test]
    public async Task Open_Version1Manifest_OpensWithAllData()
    {
        using var dir = new TempDirectory();
        await WriteTablesAtTwoLevels(dir);
        var manifest = Path.Combine(dir.Path, "MANIFEST");
        File.WriteAllBytes(manifest, AsVersion1(File.ReadAllBytes(manifest)));

        using var engine = LsmEngine.Open(CompactionOptions(dir));

        Assert.That(Keys.Select(k => ReadValue(engine, k)), Is.EqualTo(Keys.Select(k => "v-" + k)));
        Assert.That(LiveTableFiles(engine), Is.EqualTo(TableFilesOnDisk(dir.Path)));
        Assert.That(engine.GetStatistics().OrphanFilesDeleted, Is.Zero);
    }

    [Test]
    public async Task Open_QuarantineOption_MovesTablesManifestAndLogRemovesIdentityAndOpensEmpty()
    {
        using var dir = new TempDirectory();
        await WriteTablesAtTwoLevels(dir);
        File.WriteAllText(Path.Combine(dir.Path, "IDENTITY"), "node-a incarnation 1");
        Apply(Damage.BodyCrcMismatch, Path.Combine(dir.Path, "MANIFEST"));
        var before = Snapshot(dir.Path);

        using var engine = LsmEngine.Open(CompactionOptions(dir, quarantine: true));

        var report = engine.Quarantined!;
        Assert.That(Path.GetFileName(report.Directory), Does.Match(@"^quarantine-\d{8}T\d{6}Z$"));
        Assert.That(report.IdentityDeleted, Is.True);
        Assert.That(File.Exists(Path.Combine(dir.Path, "IDENTITY")), Is.False);
        Assert.That(Snapshot(report.Directory), Is.EqualTo(before.Where(f => f.Key != "IDENTITY").ToDictionary()), "quarantine holds exactly what was there, byte-identical");
        Assert.That(TableFilesOnDisk(dir.Path), Is.Empty);
        Assert.That(Keys.Select(k => ReadValue(engine, k)), Is.All.Null, "opens empty: nothing replays from the moved commit log");
        engine.Put(Bytes.Of("after"), Bytes.Of("1"));
        engine.Flush();
        Assert.That(ReadValue(engine, "after"), Is.EqualTo("1"));
    }

    [Test]
    public void QuarantineUnaccountedFiles_ReadableManifest_ThrowsAndMovesNothing()
    {
        using var dir = new TempDirectory();
        using (var engine = LsmEngine.Open(CompactionOptions(dir)))
        {
            PutFlush(engine, ("a", "1"));
        }

        var before = Snapshot(dir.Path);

        Assert.Throws<InvalidOperationException>(() => LsmEngine.QuarantineUnaccountedFiles(CompactionOptions(dir)));
        Assert.That(Snapshot(dir.Path), Is.EqualTo(before));
    }

    [Test]
    public async Task QuarantineUnaccountedFiles_MissingManifest_NextOpenIsEmpty()
    {
        using var dir = new TempDirectory();
        await WriteTablesAtTwoLevels(dir);
        File.Delete(Path.Combine(dir.Path, "MANIFEST"));
        var tables = TableFilesOnDisk(dir.Path);

        var report = LsmEngine.QuarantineUnaccountedFiles(CompactionOptions(dir));

        Assert.That(report.MovedFiles.Where(f => f.EndsWith(".sst", StringComparison.Ordinal)).Select(Path.GetFileName), Is.EquivalentTo(tables));
        Assert.That(report.IdentityDeleted, Is.False);
        using var engine = LsmEngine.Open(CompactionOptions(dir));
        Assert.That(engine.Scan(null, null).Count(), Is.Zero);
    }

    private static readonly string[] Keys = ["a", "b", "c", "d", "e", "f"];

    /// <summary>Tables at L6 (after a full compaction) and at L0, and a commit log behind them.</summary>
    private static async Task WriteTablesAtTwoLevels(TempDirectory dir)
    {
        using var engine = LsmEngine.Open(CompactionOptions(dir));
        PutFlush(engine, ("a", "v-a"), ("b", "v-b"));
        PutFlush(engine, ("c", "v-c"), ("d", "v-d"));
        await engine.Compaction.CompactAllAsync();
        PutFlush(engine, ("e", "v-e"));
        PutFlush(engine, ("f", "v-f"));
        Assert.That(TableFilesOnDisk(dir.Path), Has.Count.GreaterThanOrEqualTo(3), "tables to protect");
    }

    private static void Apply(Damage damage, string manifest)
    {
        var bytes = File.ReadAllBytes(manifest);
        switch (damage)
        {
            case Damage.Missing:
                File.Delete(manifest);
                return;
            case Damage.TruncatedEmpty:
                bytes = [];
                break;
            case Damage.TruncatedInMagic:
                bytes = bytes[..5];
                break;
            case Damage.TruncatedInHeader:
                bytes = bytes[..(ManifestHeader.Size - 1)];
                break;
            case Damage.TruncatedAfterHeader:
                bytes = bytes[..ManifestHeader.Size];
                break;
            case Damage.TruncatedInTables:
                bytes = bytes[..(ManifestHeader.Size + 30)];
                break;
            case Damage.TruncatedLastByte:
                bytes = bytes[..^1];
                break;
            case Damage.BodyCrcMismatch:
                bytes[ManifestHeader.Size + 21] ^= 0x40;
                break;
            case Damage.BadMagic:
                bytes[0] ^= 0xFF;
                break;
            case Damage.FutureVersion:
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), ManifestHeader.CurrentVersion + 1);
                break;
            case Damage.VersionZero:
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 0);
                break;
        }

        File.WriteAllBytes(manifest, bytes);
    }

    /// <summary>The same manifest as part 1 of the engine wrote it: version 1, no sequence-time section.</summary>
    private static byte[] AsVersion1(byte[] manifest)
    {
        var state = ManifestState.ParseBody(manifest.AsSpan(ManifestHeader.Size))!;
        var bodyLength = 20 + (state.Tables.Count * ManifestTableRecord.Size);
        var bytes = new byte[ManifestHeader.Size + bodyLength];
        manifest.AsSpan(ManifestHeader.Size, bodyLength).CopyTo(bytes.AsSpan(ManifestHeader.Size));
        new ManifestHeader(bodyLength, Crc32.HashToUInt32(bytes.AsSpan(ManifestHeader.Size)), Version: 1).Write(bytes);
        return bytes;
    }

    /// <summary>Every file under <paramref name="root"/> by relative path, with its bytes as hex.</summary>
    private static Dictionary<string, string> Snapshot(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f), f => Convert.ToHexString(File.ReadAllBytes(f)));
}
