using System.Net;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;
using static PairDb.StorageNode.Tests.Testing.Versions;

namespace PairDb.StorageNode.Tests.EndToEnd;

/// <summary>Runbook 2.3's <c>integrity/scan-all</c> on a real node: clean, then with one SSTable block damaged on disk.</summary>
[NonParallelizable]
public sealed class IntegrityScanTests
{
    [Test]
    public async Task ScanAll_CleanThenDamagedBlock_ReportsFileAndOffsetBothWaitingAndNot()
    {
        using var directory = TestDirectory.Create();
        await using var node = await StorageNodeProcess.StartAsync(directory.Path, new Dictionary<string, string>
        {
            ["PairDb:StorageNode:Engine:Compaction:Automatic"] = "false",
            ["PairDb:StorageNode:Engine:ChecksumWorkers"] = "1",
        });
        for (var i = 0; i < 10; i++)
        {
            await node.Client.CoordinatedWriteAsync(Write("t1", "scan-" + i, new string('v', 1000)));
        }

        await node.PostJsonAsync("/api/v1/commitlog/force-cleanup");
        var clean = await node.PostJsonAsync("/api/v1/integrity/scan-all");
        var table = Directory.GetFiles(Path.Combine(node.DataDirectory, "sstables"), "*.sst", SearchOption.AllDirectories).Single();
        await using (var file = new FileStream(table, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            // The first data block starts at offset 0; flip one byte of its first entry's value.
            file.Position = 100;
            var original = file.ReadByte();
            file.Position = 100;
            file.WriteByte((byte)(original ^ 0xFF));
        }

        var corrupt = await node.PostJsonAsync("/api/v1/integrity/scan-all");
        using var content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        using var accepted = await node.Http.PostAsync("/api/v1/integrity/scan-all?wait=false", content);
        var status = await CompactionCacheApiTests.WaitForAsync(
            () => node.GetJsonAsync("/api/v1/integrity/scan-all/status"),
            s => !s.GetProperty("running").GetBoolean() && s.GetProperty("last").GetProperty("state").GetString() == "completed",
            "integrity/scan-all/status to show the background scan completed");
        var metrics = await node.Http.GetStringAsync("/metrics");

        var cleanResult = clean.GetProperty("result");
        var corruptResult = corrupt.GetProperty("result");
        Assert.Multiple(() =>
        {
            Assert.That(cleanResult.GetProperty("status").GetString(), Is.EqualTo("clean"));
            Assert.That(cleanResult.GetProperty("tables_scanned").GetInt32(), Is.EqualTo(1));
            Assert.That(cleanResult.GetProperty("blocks_scanned").GetInt64(), Is.GreaterThan(1));
            Assert.That(cleanResult.GetProperty("corrupted_files_count").GetInt32(), Is.Zero);
            Assert.That(corruptResult.GetProperty("status").GetString(), Is.EqualTo("corrupt"));
            Assert.That(corruptResult.GetProperty("corrupted_files_count").GetInt32(), Is.EqualTo(1));
            var file = corruptResult.GetProperty("corrupted_files")[0];
            Assert.That(file.GetProperty("file_name").GetString(), Is.EqualTo(Path.GetFileName(table)));
            var block = file.GetProperty("corrupt_blocks")[0];
            Assert.That(block.GetProperty("offset").GetInt64(), Is.Zero);
            Assert.That(block.GetProperty("expected").GetString(), Does.Match("^0x[0-9A-F]{8}$"));
            Assert.That(block.GetProperty("actual").GetString(), Is.Not.EqualTo(block.GetProperty("expected").GetString()));
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            var progress = status.GetProperty("progress");
            Assert.That(progress.GetProperty("tables_done").GetInt32(), Is.EqualTo(progress.GetProperty("tables_total").GetInt32()));
            Assert.That(status.GetProperty("last").GetProperty("result").GetProperty("corrupted_files_count").GetInt32(), Is.EqualTo(1));
            Assert.That(metrics, Does.Match("checksum_failures_total\\{[^}]*\\} [1-9]"));
            Assert.That(metrics, Does.Contain("checksum_validation_latency_bucket{"));
            Assert.That(node.ReadLog(), Does.Contain("checksum validation failed file=" + table));
        });
    }
}
