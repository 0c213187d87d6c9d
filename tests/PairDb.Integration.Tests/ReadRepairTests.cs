using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using static PairDb.Integration.Tests.Support.Rpc;

namespace PairDb.Integration.Tests;

/// <summary>Read repair restores a replica that lost everything.</summary>
[NonParallelizable]
public sealed class ReadRepairTests
{
    private const string Tenant = TestCluster.Tenant;
    private const int Keys = 200;

    [Test]
    public async Task Get_ReplicaWipedAndRestarted_IsRepairedByReads()
    {
        await using var cluster = await TestCluster.StartAsync();
        var wiped = cluster.Nodes[1];
        for (var i = 0; i < Keys; i++)
        {
            await cluster.KeyValue.PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes($"repair-{i}"), Value = Bytes($"v{i}"), Consistency = Consistency.All });
        }

        await wiped.StopAsync();
        wiped.Wipe();
        await wiped.StartAsync();
        Assert.That((await wiped.ReadLocalAsync(Tenant, "repair-0")).IsEmpty, Is.True, "the wiped replica starts empty");
        // The coordinator must see the node again (probe) before reads go to it.
        await Eventually.WaitAsync(async () =>
        {
            try
            {
                await cluster.KeyValue.GetAsync(new GetRequest { TenantId = Tenant, Key = Bytes("repair-0"), Consistency = Consistency.All });
            }
            catch (Grpc.Core.RpcException)
            {
                // QUORUM_NOT_MET until the coordinator's probe sees the node up again.
                return false;
            }
            return !(await wiped.ReadLocalAsync(Tenant, "repair-0")).IsEmpty;
        }, "a read at ALL to repair the wiped replica's first key");

        for (var i = 0; i < Keys; i++)
        {
            var reply = await cluster.KeyValue.GetAsync(new GetRequest { TenantId = Tenant, Key = Bytes($"repair-{i}"), Consistency = Consistency.All });
            Assert.That(reply.Siblings.Single().Value.ToStringUtf8(), Is.EqualTo($"v{i}"));
        }

        for (var i = 0; i < Keys; i++)
        {
            var key = $"repair-{i}";
            await Eventually.WaitAsync(async () => (await wiped.ReadLocalAsync(Tenant, key)).Siblings.Count == 1, $"read repair to restore {key} on {wiped.NodeId}");
            Assert.That((await wiped.ReadLocalAsync(Tenant, key)).Siblings.Single().Value.ToArray(), Is.EqualTo(System.Text.Encoding.UTF8.GetBytes($"v{i}")));
        }
        Assert.That(await cluster.MetricsAsync(), Does.Match(@"read_repair_total(\{[^}]*\})? (\d{3,}|[2-9]\d\d)"), "every repaired replica is counted");
    }
}
