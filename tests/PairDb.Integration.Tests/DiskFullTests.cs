using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using static PairDb.Integration.Tests.Support.Rpc;

namespace PairDb.Integration.Tests;

/// <summary>A replica whose disk circuit breaker is engaged (DISK_FULL): writes go to the others, with hints.</summary>
[NonParallelizable]
public sealed class DiskFullTests
{
    private const string Tenant = TestCluster.Tenant;
    private const int Keys = 50;

    [Test]
    public async Task Put_OneReplicaDiskFull_SucceedsOnTheOthersAndHintsTheFullOne()
    {
        var full = new Dictionary<string, string>
        {
            ["PairDb:StorageNode:Disk:CapacityBytes"] = "1",
            ["PairDb:StorageNode:Disk:SampleInterval"] = "00:00:00.200",
        };
        // The disk fills after the node joined: a bootstrap refuses a target above its disk warning threshold.
        await using var cluster = await TestCluster.StartAsync();
        var node = cluster.Nodes[2];
        await node.RestartWithAsync(full);
        await Eventually.WaitAsync(async () =>
        {
            try
            {
                await node.ProbeWriteAsync(Tenant, "probe");
                return false;
            }
            catch (RpcException e)
            {
                return e.GetErrorCode() == ErrorCode.DiskFull;
            }
        }, $"{node.NodeId} to refuse writes with DISK_FULL");

        for (var i = 0; i < Keys; i++)
        {
            await cluster.KeyValue.PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes($"full-{i}"), Value = Bytes($"v{i}"), W = 2 });
        }
        var all = await ErrorOfAsync(() => cluster.KeyValue.PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes("full-all"), Value = Bytes("v"), Consistency = Consistency.All }).ResponseAsync);

        for (var i = 0; i < Keys; i++)
        {
            var reply = await cluster.KeyValue.GetAsync(new GetRequest { TenantId = Tenant, Key = Bytes($"full-{i}"), R = 2 });
            Assert.That(reply.Siblings.Single().Value.ToStringUtf8(), Is.EqualTo($"v{i}"));
        }
        // W=ALL cannot be met. When the full node is the key's first replica it refuses to coordinate
        // and nothing is written (QUORUM_NOT_MET, and the value never appears); otherwise two replicas
        // hold it and the answer is TIMEOUT (unknown), with a hint for the full node.
        Assert.That(all, Is.AnyOf(ErrorCode.Timeout, ErrorCode.QuorumNotMet));
        var written = all == ErrorCode.Timeout;
        if (!written)
        {
            var missing = await ErrorOfAsync(() => cluster.KeyValue.GetAsync(new GetRequest { TenantId = Tenant, Key = Bytes("full-all"), Consistency = Consistency.All }).ResponseAsync);
            Assert.That(missing, Is.EqualTo(ErrorCode.QuorumNotMet).Or.EqualTo(ErrorCode.KeyNotFound));
            var atTwo = await ErrorOfAsync(() => cluster.KeyValue.GetAsync(new GetRequest { TenantId = Tenant, Key = Bytes("full-all"), R = 2 }).ResponseAsync);
            Assert.That(atTwo, Is.EqualTo(ErrorCode.KeyNotFound), "a write reported as definitely failed never appears");
        }
        var hinted = Keys + (written ? 1 : 0);
        Assert.That(await cluster.HintCountAsync(node.NodeId), Is.EqualTo(hinted), "one hint per write the full node refused");
        Assert.That(await cluster.HintCountAsync(cluster.Nodes[0].NodeId) + await cluster.HintCountAsync(cluster.Nodes[1].NodeId), Is.Zero);
        // A full node reports NOT_SERVING, so the coordinator holds its hints back (replay_count stays 0)
        // until it is healthy again; once the disk has room, the replay job delivers every one.
        Assert.That(await cluster.ScalarAsync<long>($"SELECT COUNT(*) FROM hints WHERE replay_count > 0"), Is.Zero);
        await node.RestartWithAsync(new Dictionary<string, string>());
        await Eventually.WaitAsync(async () => await cluster.HintCountAsync() == 0, $"the hints to drain once {node.NodeId} has disk space again");
        for (var i = 0; i < Keys; i++)
        {
            Assert.That((await node.ReadLocalAsync(Tenant, $"full-{i}")).Siblings.Single().Value.ToArray(), Is.EqualTo(System.Text.Encoding.UTF8.GetBytes($"v{i}")));
        }
    }
}
