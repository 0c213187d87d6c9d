using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Outage.Harness;
using PairDb.Integration.Tests.Support;
using PairDb.Integration.Tests.Topology.Harness;

namespace PairDb.Integration.Tests.Outage;

/// <summary>
/// Issue 15, test 4: a registered storage node restarted while PostgreSQL is down comes back into service on
/// the coordinator's next health probe: listed UP, and a put at consistency ALL (which needs it) succeeds
/// and lands on it.
/// </summary>
[NonParallelizable]
public sealed class NodeRestartOutageTests
{
    private const int Keys = 20;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task NodeRestartedWhilePostgresIsDown_ComesBackUpAndTakesWritesAtAll()
    {
        await using var outage = await OutageCluster.StartAsync();
        var cluster = outage.Cluster;
        var node = cluster.Nodes[1];
        var admin = new CoordinatorService.CoordinatorServiceClient(cluster.Channel);
        await outage.StopPostgresAsync();

        await outage.KillNodeAsync(node);
        await WaitForStatusAsync(admin, node.NodeId, NodeStatus.Down, "after its kill");
        await node.StartAsync();
        outage.Log($"{node.NodeId} restarted");
        await WaitForStatusAsync(admin, node.NodeId, NodeStatus.Up, "restarted while PostgreSQL is down");

        var written = new List<AckedPut>();
        for (var i = 0; i < Keys; i++)
        {
            var key = $"all-{i:D2}";
            await cluster.KeyValue.PutAsync(new PutRequest { TenantId = TestCluster.Tenant, Key = Rpc.Bytes(key), Value = Rpc.Bytes(key + ":v"), Consistency = Consistency.All },
                deadline: DateTime.UtcNow.Add(OutageSettings.PutBound));
            written.Add(new AckedPut(i, key, key + ":v"));
        }
        await ExactReads.AssertHeldByAsync(node, written, "after puts at ALL, PostgreSQL still down");
    }

    private static async Task WaitForStatusAsync(CoordinatorService.CoordinatorServiceClient admin, string nodeId, NodeStatus status, string why) =>
        await Until.DoneAsync(async () =>
        {
            var listed = await admin.ListStorageNodesAsync(new ListStorageNodesRequest(), deadline: DateTime.UtcNow.AddSeconds(5));
            var info = listed.Nodes.SingleOrDefault(n => n.NodeId == nodeId);
            return (info?.Status == status, info is null ? "not listed" : $"{info.Status} {info.StatusReason}");
        }, $"ListStorageNodes to show {nodeId} {status} ({why})", ProbeTimeout);
}
