using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;
using static PairDb.StorageNode.Tests.Testing.StreamingKit;

namespace PairDb.StorageNode.Tests.Streaming;

/// <summary>
/// The recovery endpoints' refusals on a node without a coordinator: every check that can fail happens before a file
/// is removed. (The restore itself runs against a real coordinator in PairDb.Integration.Tests.)
/// </summary>
[NonParallelizable]
public sealed class RecoveryEndpointTests
{
    [Test]
    public async Task Recovery_BadNamesOrNoCoordinator_RefusedWithCodeAndNothingRemoved()
    {
        using var directory = TestDirectory.Create();
        await using var node = await StartNodeAsync(directory.Path, "node-recovery");
        await WriteManyAsync(node, "t-recovery", 20, 10);
        await node.PostJsonAsync("/api/v1/commitlog/force-cleanup");
        var table = Directory.GetFiles(Path.Combine(node.DataDirectory, "sstables"), "*.sst", SearchOption.AllDirectories).Single();
        var id = Path.GetFileNameWithoutExtension(table)["sstable-".Length..];

        var badName = await PostAsync(node, "/api/v1/recovery/restore-from-replica", new { files = new[] { "notes.txt" } });
        var unknown = await PostAsync(node, "/api/v1/recovery/sstable", new { sstable_id = "424242", source = "replica" });
        var badSource = await PostAsync(node, "/api/v1/recovery/sstable", new { sstable_id = id, source = "backup" });
        var noCoordinator = await PostAsync(node, "/api/v1/recovery/sstable", new { sstable_id = id, source = "replica" });

        Assert.Multiple(() =>
        {
            Assert.That(badName, Is.EqualTo((HttpStatusCode.BadRequest, 1000)));
            Assert.That(unknown, Is.EqualTo((HttpStatusCode.BadRequest, 1000)));
            Assert.That(badSource, Is.EqualTo((HttpStatusCode.BadRequest, 1000)));
            Assert.That(noCoordinator, Is.EqualTo((HttpStatusCode.ServiceUnavailable, 2001)));
            Assert.That(File.Exists(table), Is.True, "nothing removed");
        });
    }

    private static async Task<(HttpStatusCode Status, int Code)> PostAsync(StorageNodeProcess node, string path, object body)
    {
        using var response = await node.Http.PostAsJsonAsync(path, body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, json.GetProperty("code").GetInt32());
    }
}
