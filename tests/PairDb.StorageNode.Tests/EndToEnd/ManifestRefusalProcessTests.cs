using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using PairDb.Contracts.Errors;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;
using static PairDb.StorageNode.Tests.Testing.Versions;

namespace PairDb.StorageNode.Tests.EndToEnd;

/// <summary>
/// Issue 12 part 3, "refuse, don't delete": a node killed and restarted without its MANIFEST stays up, says why it is
/// not serving, touches no table file, and only the operator's quarantine brings it back, empty, with every file moved.
/// </summary>
[NonParallelizable]
public sealed class ManifestRefusalProcessTests
{
    private TestDirectory _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = TestDirectory.Create();

    [TearDown]
    public void RemoveDirectory() => _directory.Dispose();

    [Test]
    public async Task Restart_ManifestMovedAway_RefusesUntilQuarantinedThenServesEmpty()
    {
        await using var node = await StorageNodeProcess.StartAsync(_directory.Path);
        for (var i = 0; i < 50; i++)
        {
            await node.Client.CoordinatedWriteAsync(Write("t1", "k" + i, "v" + i));
        }

        await node.PostJsonAsync("/api/v1/commitlog/force-cleanup");
        await node.PostJsonAsync("/api/v1/compaction/compact-all");
        var data = node.DataDirectory;
        File.WriteAllText(Path.Combine(data, "IDENTITY"), "node-under-test incarnation 1");
        Dictionary<string, string> tables = [];
        await node.RestartAsync(kill: true, whileStopped: () =>
        {
            File.Move(Path.Combine(data, "MANIFEST"), Path.Combine(_directory.Path, "MANIFEST.moved-away"));
            tables = Snapshot(data, "*.sst");
        });
        Assert.That(tables, Is.Not.Empty, "the node flushed tables before the kill");

        using var health = await node.Http.GetAsync("/health");
        var report = await health.Content.ReadFromJsonAsync<JsonElement>();
        using var ready = await node.Http.GetAsync("/health/ready");
        using var admin = await node.Http.GetAsync("/api/v1/sstables/count-by-level");
        var adminError = await admin.Content.ReadFromJsonAsync<JsonElement>();
        var grpcHealth = await new Health.HealthClient(node.Channel).CheckAsync(new HealthCheckRequest());
        var rejected = Assert.ThrowsAsync<RpcException>(async () => await node.Client.CoordinatedWriteAsync(Write("t1", "k-new", "v")));
        var reason = report.GetProperty("not_serving_reason").GetString();
        Assert.Multiple(() =>
        {
            Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(report.GetProperty("status").GetString(), Is.EqualTo("unhealthy"));
            Assert.That(report.GetProperty("node_id").GetString(), Is.EqualTo(StorageNodeProcess.NodeId));
            Assert.That(report.GetProperty("manifest_problem").GetString(), Is.EqualTo("missing"));
            Assert.That(report.GetProperty("unaccounted_files").GetInt32(), Is.EqualTo(tables.Count));
            Assert.That(reason, Does.Contain("Refusing to open data_directory=" + data + ": MANIFEST is missing"));
            Assert.That(reason, Does.Contain($"{tables.Count} table file(s) cannot be accounted for: sstables/"));
            Assert.That(reason, Does.Contain(Path.GetFileName(tables.Keys.First())));
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(admin.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(adminError.GetProperty("code").GetInt32(), Is.EqualTo((int)ErrorCode.NodeNotReady));
            Assert.That(grpcHealth.Status, Is.EqualTo(HealthCheckResponse.Types.ServingStatus.NotServing));
            Assert.That(rejected!.GetErrorCode(), Is.EqualTo(ErrorCode.NodeNotReady));
            Assert.That(rejected.StatusCode, Is.EqualTo(StatusCode.Unavailable));
            Assert.That(rejected.Status.Detail, Does.Contain("MANIFEST is missing"));
            Assert.That(node.ReadLog(), Does.Contain("Storage node NOT SERVING: the engine refused to open its data (Missing)."));
            Assert.That(Snapshot(data, "*.sst"), Is.EqualTo(tables), "a refused node changed its table files");
        });

        var quarantined = await node.PostJsonAsync("/api/v1/recovery/quarantine");
        var quarantine = quarantined.GetProperty("quarantine_directory").GetString()!;
        await WaitUntilAsync(async () => await ServingAsync(node), "grpc health SERVING after the quarantine");

        var healthAfter = await node.GetJsonAsync("/health");
        var identity = await node.GetJsonAsync("/api/v1/identity");
        await node.Client.CoordinatedWriteAsync(Write("t1", "k-new", "v-new"));
        var written = await node.Client.ReadAsync(Read("t1", "k-new"));
        var old = await node.Client.ReadAsync(Read("t1", "k0"));
        Assert.Multiple(() =>
        {
            Assert.That(quarantined.GetProperty("status").GetString(), Is.EqualTo("quarantined"));
            Assert.That(quarantined.GetProperty("identity_deleted").GetBoolean(), Is.True);
            Assert.That(Path.GetDirectoryName(quarantine), Is.EqualTo(data));
            Assert.That(Path.GetFileName(quarantine), Does.Match(@"^quarantine-\d{8}T\d{6}Z$"));
            Assert.That(Snapshot(quarantine, "*.sst"), Is.EqualTo(tables), "quarantine holds every table, byte-identical, at the same relative path");
            Assert.That(Snapshot(data, "*.sst").Keys.Where(k => !k.StartsWith("quarantine-", StringComparison.Ordinal)), Is.Empty);
            Assert.That(identity.GetProperty("reason").GetString(), Does.Contain("no IDENTITY file"), "the quarantine deleted IDENTITY, so the rebuilt node mints under a new incarnation");
            Assert.That(identity.GetProperty("previous").GetArrayLength(), Is.Zero);
            Assert.That(healthAfter.GetProperty("status").GetString(), Is.Not.EqualTo("unhealthy"));
            Assert.That(LiveValues(Parse(written.Versions)), Is.EqualTo(new[] { "v-new" }));
            Assert.That(old.Found, Is.False, "the node starts empty; replicas rebuild it");
        });
    }

    private static async Task<bool> ServingAsync(StorageNodeProcess node)
    {
        try
        {
            var reply = await new Health.HealthClient(node.Channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving;
        }
        catch (RpcException)
        {
            return false; // between the refused host stopping and the serving one listening
        }
    }

    /// <summary>Files under <paramref name="root"/> matching <paramref name="pattern"/>, by relative path, with their bytes as hex.</summary>
    private static Dictionary<string, string> Snapshot(string root, string pattern) =>
        Directory.GetFiles(root, pattern, SearchOption.AllDirectories)
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToDictionary(f => Path.GetRelativePath(root, f), f => Convert.ToHexString(File.ReadAllBytes(f)));

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) =>
        WaitFor.ConditionAsync(condition, what, TimeSpan.FromSeconds(30));
}
