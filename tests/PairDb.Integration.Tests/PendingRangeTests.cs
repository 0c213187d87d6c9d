using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using static PairDb.Integration.Tests.Support.Rpc;

namespace PairDb.Integration.Tests;

/// <summary>Writes for ranges in motion also reach the node gaining them (pending ranges, DESIGN.md 4).</summary>
[NonParallelizable]
public sealed class PendingRangeTests
{
    private const string Tenant = TestCluster.Tenant;
    private const int Keys = 60;

    [Test]
    public async Task Put_NodeBootstrapping_WritesReachItWithoutCountingTowardW()
    {
        await using var cluster = await TestCluster.StartAsync(coordinatorSettings: new Dictionary<string, string>
        {
            ["PairDb:Ring:RefreshInterval"] = "00:00:00.200",
        });
        var joining = cluster.Nodes[2];
        // Two members and one joining node: with N = 3 the joining node will replicate every key.
        await cluster.ScalarAsync<int>($"WITH u AS (UPDATE storage_nodes SET state = 'BOOTSTRAPPING' WHERE node_id = '{joining.NodeId}' RETURNING 1) SELECT COUNT(*)::int FROM u");
        // ALL asks for N = 3 replicas; once the ring has two members the coordinator refuses it up front.
        await Eventually.WaitAsync(async () =>
        {
            try
            {
                await cluster.KeyValue.PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes("probe"), Value = Bytes("p"), Consistency = Consistency.All });
                return false;
            }
            catch (Grpc.Core.RpcException e)
            {
                return e.Status.Detail.Contains("of the key's 2 replicas", StringComparison.Ordinal);
            }
        }, "the coordinator to reload a ring of two members (ALL refused for lack of a third replica)");

        for (var i = 0; i < Keys; i++)
        {
            await cluster.KeyValue.PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes($"pending-{i}"), Value = Bytes($"v{i}"), Consistency = Consistency.Quorum });
        }

        for (var i = 0; i < Keys; i++)
        {
            var key = $"pending-{i}";
            await Eventually.WaitAsync(async () => (await joining.ReadLocalAsync(Tenant, key)).Siblings.Count == 1,
                $"the pending-range write of {key} to reach the bootstrapping node {joining.NodeId}");
        }

        // The joining node does not count toward W: with it stopped, a W = 2 write still succeeds.
        await joining.StopAsync();
        await cluster.KeyValue.PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes("while-stopped"), Value = Bytes("s"), Consistency = Consistency.Quorum });
        await Eventually.WaitAsync(async () => await cluster.HintCountAsync(joining.NodeId) >= 1,
            $"a hint for the stopped pending target {joining.NodeId}");
    }
}
