using System.Net;
using System.Text;
using System.Text.Json;
using PairDb.Client.Tooling;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Hosting;
using PairDb.Coordinator.Jobs;
using PairDb.Coordinator.Nodes;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Ring.Snapshots;
using PairDb.Coordinator.Tests.Support;
using PairDb.Testing;

namespace PairDb.Coordinator.Tests.Hosting;

/// <summary>
/// A coordinator started while its PostgreSQL (a private server the test stops and starts) is down: it serves the
/// ring snapshot it wrote earlier, says degraded, refuses admin changes with 503, probes its nodes, and becomes
/// healthy, reads the database and starts its jobs when PostgreSQL returns.
/// </summary>
[NonParallelizable]
public sealed class MetadataOutageTests
{
    private static readonly Dictionary<string, string> Fast = new()
    {
        ["PairDb:Metadata:ProbeInterval"] = "00:00:00.200",
        ["PairDb:Metadata:ProbeTimeout"] = "00:00:02",
        ["PairDb:Ring:RefreshInterval"] = "00:00:00.300",
        ["PairDb:HealthProbe:Interval"] = "00:00:00.300",
    };

    [Test]
    public async Task StartedDuringOutage_ServesSnapshotDegraded_ThenHealthyWithJobsWhenPostgresReturns()
    {
        using var root = TestDirectory.Create("outage");
        var options = new LocalPostgresOptions { RootDirectory = root.Combine("postgres"), Durable = false };
        var postgres = await LocalPostgres.StartAsync(options);
        var restarted = postgres;
        try
        {
            var connection = postgres.ConnectionString;
            var state = root.Combine("coordinator-state");
            await using var node = await HealthOnlyNode.StartAsync();
            long servedVersion;
            await using (var before = await InProcessCoordinator.StartAsync(connection, migrate: true, Fast, state))
            {
                await before.Client.AddStorageNodeAsync(new AddStorageNodeRequest { NodeId = "node-a", Host = "127.0.0.1", Port = (uint)node.Port });
                servedVersion = before.Get<RingProvider>().Current.Version;
                Assert.That(before.Get<RingSnapshotStore>().Load()!.Version, Is.EqualTo(servedVersion), "the snapshot holds the ring served");
            }

            await postgres.StopAsync();
            await using (var during = await InProcessCoordinator.StartAsync(connection, settings: Fast, stateDirectory: state))
            {
                var rings = during.Get<RingProvider>();
                Assert.That(rings.Source, Is.EqualTo(RingSource.Snapshot));
                Assert.That(rings.Current.Version, Is.EqualTo(servedVersion), "the snapshot's ring under the version it was served with");
                var listed = await during.Client.ListStorageNodesAsync(new ListStorageNodesRequest());
                Assert.That(listed.Nodes.Select(n => n.NodeId), Is.EqualTo(new[] { "node-a" }));

                var health = await HealthAsync(during);
                Assert.That(health.Status, Is.EqualTo(HttpStatusCode.OK), "degraded, not 503: data is served");
                Assert.That(health.Body.GetProperty("status").GetString(), Is.EqualTo("degraded"));
                Assert.That(health.Body.GetProperty("metadata").GetString(), Is.EqualTo("unavailable"));
                Assert.That(health.Body.GetProperty("ring_source").GetString(), Is.EqualTo("snapshot"));
                Assert.That(health.Body.GetProperty("metadata_unavailable_since").ValueKind, Is.EqualTo(JsonValueKind.String));

                // The identities could not be read from PostgreSQL: the snapshot's stand in, and the node is probed UP.
                await Eventually.WaitAsync(() => Task.FromResult(during.Get<NodeLiveness>().StatusOf("node-a") == NodeStatuses.Up),
                    "node-a probed UP during the outage");

                using var register = new StringContent("""{"node_id":"node-b","host":"127.0.0.1","port":1}""", Encoding.UTF8, "application/json");
                using var refused = await during.Http.PostAsync("/api/v1/nodes/register", register);
                Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
                Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain("metadata database unavailable"));
                Assert.That(during.Get<JobSchedulerStarter>().Started.IsCompleted, Is.False, "no job scheduler without its store");

                restarted = await LocalPostgres.StartAsync(new LocalPostgresOptions
                {
                    RootDirectory = options.RootDirectory, Durable = false, Port = postgres.Port,
                });

                await Eventually.WaitAsync(async () =>
                    {
                        var after = await HealthAsync(during);
                        return after.Body.GetProperty("metadata").GetString() == "ok" && after.Body.GetProperty("ring_source").GetString() == "database";
                    },
                    "/health to say metadata ok and ring_source database after PostgreSQL returned", TimeSpan.FromSeconds(60));
                await during.Get<JobSchedulerStarter>().Started.WaitAsync(TimeSpan.FromSeconds(60));
                await using var database = new Npgsql.NpgsqlConnection(connection);
                await database.OpenAsync();
                await using var triggers = new Npgsql.NpgsqlCommand(
                    $"SELECT COUNT(*) FROM qrtz_triggers WHERE job_name = '{HintReplayJob.Key.Name}'", database);
                Assert.That((long)(await triggers.ExecuteScalarAsync())!, Is.EqualTo(1), "the recurring jobs were registered once the store answered");

                await during.Client.AddStorageNodeAsync(new AddStorageNodeRequest { NodeId = "node-b", Host = "127.0.0.1", Port = 1 });
                Assert.That(rings.Current.Version, Is.GreaterThan(servedVersion), "versions go on from the snapshot's");
                Assert.That(rings.Source, Is.EqualTo(RingSource.Database));
            }
        }
        finally
        {
            await restarted.StopAsync();
            await postgres.StopAsync();
        }
    }

    [Test]
    public async Task Restart_WithPostgresUp_ContinuesTheSnapshotsVersion()
    {
        await using var database = await MetadataDatabase.CreateAsync();
        using var state = TestDirectory.Create("coordinator-state");
        long served;
        await using (var first = await InProcessCoordinator.StartAsync(database.ConnectionString, settings: Fast, stateDirectory: state.Path))
        {
            await first.Client.AddStorageNodeAsync(new AddStorageNodeRequest { NodeId = "node-a", Host = "127.0.0.1", Port = 1 });
            await first.Client.AddStorageNodeAsync(new AddStorageNodeRequest { NodeId = "node-b", Host = "127.0.0.1", Port = 2 });
            served = first.Get<RingProvider>().Current.Version;
        }

        await using var second = await InProcessCoordinator.StartAsync(database.ConnectionString, settings: Fast, stateDirectory: state.Path);

        // A fresh process would count from 1 again: a version it already served for another ring.
        Assert.That(second.Get<RingProvider>().Current.Version, Is.GreaterThan(served));
    }

    [Test]
    public void Start_PostgresUnreachableAndNoSnapshot_RefusesWithTheReason()
    {
        using var state = TestDirectory.Create("coordinator-state");

        var refusal = Assert.ThrowsAsync<CoordinatorStartupException>(
            async () => await InProcessCoordinator.StartAsync(UnreachablePostgres(), settings: Fast, stateDirectory: state.Path));

        Assert.That(refusal!.Message, Does.Contain("no ring snapshot in " + Path.Combine(state.Path, "ring")).And.Contain("PostgreSQL unreachable"));
    }

    /// <summary>A port nothing listens on: connection refused at once, as with a stopped server.</summary>
    internal static string UnreachablePostgres() =>
        $"Host=127.0.0.1;Port={PairDb.Client.Tooling.FreePort.Next()};Database=none;Username=none;Timeout=2";

    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(InProcessCoordinator coordinator)
    {
        using var reply = await coordinator.Http.GetAsync("/health");
        using var json = JsonDocument.Parse(await reply.Content.ReadAsStringAsync());
        return (reply.StatusCode, json.RootElement.Clone());
    }
}
