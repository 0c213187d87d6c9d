using PairDb.Client.Tooling;
using PairDb.Integration.Tests.Outage.Harness;
using PairDb.Integration.Tests.Support;

namespace PairDb.Integration.Tests.Outage;

/// <summary>
/// Issue 15, test 3: a coordinator that ran before starts while PostgreSQL is down, from its ring snapshot:
/// it serves puts and gets, /health answers 200 "degraded" with ring_source "snapshot", and healthy again
/// once PostgreSQL returns. A coordinator that never ran has no ring to serve and refuses to start.
/// </summary>
[NonParallelizable]
public sealed class CoordinatorStartOutageTests
{
    private const int Keys = 50;
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task CoordinatorStartedWhilePostgresIsDown_ServesFromItsRingSnapshotAndRecovers()
    {
        await using var outage = await OutageCluster.StartAsync();
        var cluster = outage.Cluster;
        IReadOnlyList<AckedPut> before;
        await using (var writer = SteadyWriter.Start(cluster.KeyValue, "before", concurrency: 2))
        {
            await writer.WaitForMoreAsync(Keys, "the coordinator's first life, PostgreSQL up");
            await writer.StopAsync();
            before = writer.Ledger();
        }
        cluster.KillCoordinator();
        await outage.StopPostgresAsync();

        await outage.RestartCoordinatorAsync();
        var degraded = await outage.Health.WaitForAsync(h => h.Status == "degraded" && h.RingSource == "snapshot",
            "/health to say degraded, served from the ring snapshot", HealthTimeout);
        await using (var writer = SteadyWriter.Start(cluster.KeyValue, "during", concurrency: 2))
        {
            await writer.WaitForMoreAsync(Keys, "the restarted coordinator, PostgreSQL down");
            await writer.StopAsync();
            writer.EndPhase("started without PostgreSQL");
            await ExactReads.AssertReadableAsync(cluster.KeyValue, [.. before, .. writer.Ledger()], "through a coordinator started without PostgreSQL");
        }
        await outage.StartPostgresAsync();
        var healthy = await outage.Health.WaitForAsync(h => h.Status == "healthy" && h.Metadata == "ok" && h.RingSource == "database",
            "/health to say healthy, with the ring re-read from PostgreSQL, once PostgreSQL is back", HealthTimeout);

        Assert.Multiple(() =>
        {
            Assert.That((int)degraded.Code, Is.EqualTo(200), $"degraded is still 200: the data path serves ({degraded})");
            Assert.That(degraded.Metadata, Is.EqualTo("unavailable"), degraded.ToString());
            Assert.That((string?)degraded.Body["metadata_unavailable_since"], Is.Not.Null.And.Not.Empty, degraded.ToString());
            Assert.That((int)healthy.Code, Is.EqualTo(200), healthy.ToString());
            Assert.That(healthy.RingSource, Is.EqualTo("database"), $"the ring is refreshed from PostgreSQL once it returns ({healthy})");
        });
    }

    [Test]
    public async Task CoordinatorThatNeverRan_PostgresDown_ExitsNonZero()
    {
        await using var outage = await OutageCluster.StartAsync();
        await outage.StopPostgresAsync();
        var spec = outage.Cluster.NewCoordinatorSpec("coordinator-without-snapshot");

        var refused = Assert.ThrowsAsync<HostStartException>(async () => await (await HostLauncher.StartAsync(spec)).DisposeAsync());

        Assert.That(refused!.Message, Does.Contain("exited with code").And.Not.Contain("exited with code 0 "),
            $"with neither PostgreSQL nor a ring snapshot there is no ring to serve: the process exits non-zero:\n{refused.Message}");
    }

    /// <summary>
    /// A coordinator with no snapshot takes a PostgreSQL that does not answer within ProbeTimeout for slow, not down:
    /// it waits (up to StartupTimeout) and starts once PostgreSQL answers. Before, it exited at the first probe's
    /// timeout, which on a loaded machine killed fresh coordinators whose PostgreSQL was merely slow to answer.
    /// </summary>
    [Test]
    public async Task CoordinatorThatNeverRan_PostgresSlowToAnswer_WaitsAndStarts()
    {
        await using var outage = await OutageCluster.StartAsync();
        var spec = outage.Cluster.NewCoordinatorSpec("coordinator-slow-postgres");
        await outage.Postgres.FreezeAsync(frozen: true);
        Task<HostProcess> start;
        try
        {
            start = HostLauncher.StartAsync(spec);
            // The first probe has had no answer within ProbeTimeout: the point where it used to give up.
            await Eventually.WaitAsync(() => Task.FromResult(start.IsCompleted || (File.Exists(spec.LogPath) && File.ReadAllText(spec.LogPath).Contains("waiting for its first answer", StringComparison.Ordinal))),
                "the new coordinator to log that it waits for PostgreSQL's first answer (no snapshot, no answer within ProbeTimeout)", TimeSpan.FromSeconds(60));
        }
        finally
        {
            await outage.Postgres.FreezeAsync(frozen: false);
        }

        await using var coordinator = await start;
        using var http = new HttpClient();
        using var health = await http.GetAsync(new Uri(spec.HealthUrl, "/health"));
        var body = await health.Content.ReadAsStringAsync();
        Assert.That((int)health.StatusCode, Is.EqualTo(200), $"/health of the coordinator that waited: {body}");
        Assert.That((string?)System.Text.Json.Nodes.JsonNode.Parse(body)?["ring_source"], Is.EqualTo("database"), $"it serves the ring it read from PostgreSQL: {body}");
    }
}
