using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Outage.Harness;
using PairDb.Integration.Tests.Support;
using PairDb.Integration.Tests.Topology.Harness;

namespace PairDb.Integration.Tests.Outage;

/// <summary>
/// Issue 15, test 4: a registered storage node restarted while PostgreSQL is down comes back into service on
/// the coordinator's next health probe, with its data or wiped (a new incarnation, which the coordinator must
/// accept without writing it to storage_nodes first): /health counts it UP again, and puts at consistency ALL (which need
/// it) succeed and land on it. The checks go through the coordinator's own view and the data path, not
/// through a membership listing that may read the database.
/// </summary>
[NonParallelizable]
public sealed class NodeRestartOutageTests
{
    private const int Keys = 20;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    [TestCase(false, TestName = "NodeRestartedWhilePostgresIsDown_ComesBackUpAndTakesWritesAtAll")]
    [TestCase(true, TestName = "NodeWipedAndRestartedWhilePostgresIsDown_NewIncarnationComesBackUpAndTakesWritesAtAll")]
    public async Task NodeRestartedWhilePostgresIsDown_ComesBackUp(bool wiped)
    {
        await using var outage = await OutageCluster.StartAsync();
        var cluster = outage.Cluster;
        var node = cluster.Nodes[1];
        await outage.StopPostgresAsync();

        await outage.KillNodeAsync(node);
        await outage.Health.WaitForAsync(h => h.MembersUp == 2, $"/health to count {node.NodeId} down after its kill", ProbeTimeout);
        if (wiped)
        {
            node.Wipe();
        }
        await node.StartAsync();
        outage.Log($"{node.NodeId} restarted{(wiped ? " with an empty data directory (new incarnation)" : "")}");
        await outage.Health.WaitForAsync(h => h.MembersUp == 3, $"/health to count {node.NodeId}, restarted while PostgreSQL is down, UP again", ProbeTimeout);
        await Until.DoneAsync(async () =>
        {
            await PutAtAllAsync(cluster, "all-probe");
            return (true, "");
        }, $"a put at ALL, which needs {node.NodeId}, to succeed", ProbeTimeout);

        var written = new List<AckedPut>();
        for (var i = 0; i < Keys; i++)
        {
            var key = $"all-{i:D2}";
            await PutAtAllAsync(cluster, key);
            written.Add(new AckedPut(i, key, key + ":v"));
        }
        await ExactReads.AssertHeldByAsync(node, written, "after puts at ALL, PostgreSQL still down");
    }

    private static async Task PutAtAllAsync(TestCluster cluster, string key) =>
        await cluster.KeyValue.PutAsync(
            new PutRequest { TenantId = TestCluster.Tenant, Key = Rpc.Bytes(key), Value = Rpc.Bytes(key + ":v"), Consistency = Consistency.All },
            deadline: DateTime.UtcNow.Add(OutageSettings.PutBound));
}
