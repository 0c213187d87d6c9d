using PairDb.Integration.Tests.Support;

namespace PairDb.Integration.Tests;

/// <summary>The Quartz hint jobs against rows put straight into <c>hints</c>.</summary>
[NonParallelizable]
public sealed class HintJobTests
{
    private TestCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task StartClusterAsync() =>
        _cluster = await TestCluster.StartAsync(coordinatorSettings: new Dictionary<string, string> { ["PairDb:Hints:CleanupInterval"] = "00:00:00.500" });

    [OneTimeTearDown]
    public async Task StopClusterAsync() => await _cluster.DisposeAsync();

    [Test]
    public async Task CleanupJob_HintOlderThanTtl_IsDeletedAndCounted()
    {
        // A target outside the ring, so the replay job leaves both rows alone.
        await _cluster.ScalarAsync<int>(
            "INSERT INTO hints (target_node_id, tenant_id, key, payload, payload_size, created_at) VALUES " +
            "('ghost-node', 't', 'old'::bytea, '\\x01'::bytea, 1, now() - interval '8 days'), " +
            "('ghost-node', 't', 'new'::bytea, '\\x01'::bytea, 1, now()) RETURNING 1");

        await Eventually.WaitAsync(async () => await _cluster.HintCountAsync("ghost-node") == 1, "the cleanup job to delete the 8-day-old hint");

        Assert.That(await _cluster.ScalarAsync<byte[]>("SELECT key FROM hints WHERE target_node_id = 'ghost-node'"), Is.EqualTo("new"u8.ToArray()));
        Assert.That(await _cluster.MetricsAsync(), Does.Contain("hints_cleanup_deleted_total"));
    }

    [Test]
    public async Task ReplayJob_HintTheNodeRefuses_IsTriedThreeTimesThenKeptForInspection()
    {
        var target = _cluster.Nodes[0].NodeId;
        // Not a SiblingSetFormat payload: the (healthy) node answers INVALID_VECTOR_CLOCK every time.
        await _cluster.ScalarAsync<int>(
            "INSERT INTO hints (target_node_id, tenant_id, key, payload, payload_size) VALUES " +
            $"('{target}', 'tenant-a', 'bad'::bytea, '\\xff00'::bytea, 2) RETURNING 1");

        await Eventually.WaitAsync(
            async () => await _cluster.ScalarAsync<long>($"SELECT COUNT(*) FROM hints WHERE target_node_id = '{target}' AND key = 'bad'::bytea AND replay_count >= 3") == 1,
            "the replay job to try the refused hint 3 times");

        // "No fourth try" means something only once a fourth try would have happened. The third failure set the
        // hint's next_attempt_at, when an uncapped replay would take it again; a witness hint due at that same
        // moment is loaded by the same query (due hints of a target, in one batch), so once the witness has been
        // tried, a replay has run in which the capped hint was due, and only the cap can have left it out.
        await _cluster.ScalarAsync<int>(
            "INSERT INTO hints (target_node_id, tenant_id, key, payload, payload_size, next_attempt_at) " +
            "SELECT target_node_id, tenant_id, 'witness'::bytea, payload, payload_size, next_attempt_at " +
            $"FROM hints WHERE target_node_id = '{target}' AND key = 'bad'::bytea RETURNING 1");
        await Eventually.WaitAsync(
            async () => await _cluster.ScalarAsync<long>($"SELECT COUNT(*) FROM hints WHERE target_node_id = '{target}' AND key = 'witness'::bytea AND replay_count >= 1") == 1,
            "the replay job to try the witness hint, due when a fourth try of the refused one would be");

        Assert.That(await _cluster.ScalarAsync<int>($"SELECT replay_count FROM hints WHERE target_node_id = '{target}' AND key = 'bad'::bytea"), Is.EqualTo(3),
            "no fourth try, although a replay ran when it was due");
        Assert.That(await _cluster.ScalarAsync<string>($"SELECT last_error FROM hints WHERE target_node_id = '{target}' AND key = 'bad'::bytea"), Does.StartWith("INVALID_VECTOR_CLOCK"));
        Assert.That(await _cluster.MetricsAsync(), Does.Contain("hints_failed_total"));
    }
}
