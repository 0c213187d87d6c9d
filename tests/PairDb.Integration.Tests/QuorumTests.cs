using Google.Protobuf;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using static PairDb.Integration.Tests.Support.Rpc;

namespace PairDb.Integration.Tests;

/// <summary>Quorum reads and writes through a real coordinator over three real storage nodes.</summary>
[NonParallelizable]
public sealed class QuorumTests
{
    private const string Tenant = TestCluster.Tenant;
    private TestCluster _cluster = null!;

    private KeyValueService.KeyValueServiceClient Kv => _cluster.KeyValue;

    [OneTimeSetUp]
    public async Task StartClusterAsync() => _cluster = await TestCluster.StartAsync();

    [OneTimeTearDown]
    public async Task StopClusterAsync() => await _cluster.DisposeAsync();

    [Test]
    public async Task Put_DefaultQuorum_IsReadableAndReachesEveryReplica()
    {
        var put = await Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes("k-basic"), Value = Bytes("v1") });
        var got = await Kv.GetAsync(new GetRequest { TenantId = Tenant, Key = Bytes("k-basic") });

        Assert.That(got.Siblings.Select(s => s.Value.ToStringUtf8()), Is.EqualTo(new[] { "v1" }));
        Assert.That(got.Context, Is.EqualTo(put.Context));
        foreach (var node in _cluster.Nodes)
        {
            await Eventually.WaitAsync(async () => (await node.ReadLocalAsync(Tenant, "k-basic")).Siblings.Count == 1,
                $"{node.NodeId} to hold k-basic (the third replica completes in the background)");
        }
    }

    [TestCase(Consistency.One)]
    [TestCase(Consistency.Quorum)]
    [TestCase(Consistency.All)]
    public async Task PutGet_EachConsistencyLevel_RoundTrips(Consistency level)
    {
        var key = Bytes("k-level-" + level);
        await Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = key, Value = Bytes("v"), Consistency = level });
        // A read at ALL after a write at ONE may race the background replicas: read at the write's level or higher.
        var got = await Kv.GetAsync(new GetRequest { TenantId = Tenant, Key = key, Consistency = level == Consistency.One ? Consistency.All : level });

        Assert.That(got.Siblings.Single().Value.ToStringUtf8(), Is.EqualTo("v"));
    }

    [Test]
    public async Task PutGet_ExplicitQuorums_OverrideTheLevel()
    {
        await Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes("k-explicit"), Value = Bytes("v"), W = 3, Consistency = Consistency.One });
        var got = await Kv.GetAsync(new GetRequest { TenantId = Tenant, Key = Bytes("k-explicit"), R = 1 });

        Assert.That(got.Siblings.Single().Value.ToStringUtf8(), Is.EqualTo("v"));
    }

    [Test]
    public async Task Requests_ImpossibleQuorum_AreInvalidArgument()
    {
        var w4 = await ErrorOfAsync(() => Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes("k"), Value = Bytes("v"), W = 4 }).ResponseAsync);
        var w0 = await ErrorOfAsync(() => Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes("k"), Value = Bytes("v"), W = 0 }).ResponseAsync);
        var r4 = await ErrorOfAsync(() => Kv.GetAsync(new GetRequest { TenantId = Tenant, Key = Bytes("k"), R = 4 }).ResponseAsync);
        var d4 = await ErrorOfAsync(() => Kv.DeleteAsync(new DeleteRequest { TenantId = Tenant, Key = Bytes("k"), W = 4 }).ResponseAsync);

        Assert.That(new[] { w4, w0, r4, d4 }, Is.All.EqualTo(ErrorCode.InvalidArgument));
    }

    [Test]
    public async Task Requests_InvalidInput_AreRejectedWithTheirCodes()
    {
        var tenant = await ErrorOfAsync(() => Kv.PutAsync(new PutRequest { TenantId = "bad tenant", Key = Bytes("k"), Value = Bytes("v") }).ResponseAsync);
        var key = await ErrorOfAsync(() => Kv.GetAsync(new GetRequest { TenantId = Tenant, Key = ByteString.CopyFrom(new byte[2000]) }).ResponseAsync);
        var context = await ErrorOfAsync(() => Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes("k"), Value = Bytes("v"), Context = Bytes("garbage") }).ResponseAsync);

        Assert.That(tenant, Is.EqualTo(ErrorCode.InvalidTenantId));
        Assert.That(key, Is.EqualTo(ErrorCode.KeyTooLarge));
        Assert.That(context, Is.EqualTo(ErrorCode.InvalidVectorClock));
    }

    [Test]
    public async Task Get_MissingKey_IsKeyNotFound()
    {
        var code = await ErrorOfAsync(() => Kv.GetAsync(new GetRequest { TenantId = Tenant, Key = Bytes("k-never-written") }).ResponseAsync);

        Assert.That(code, Is.EqualTo(ErrorCode.KeyNotFound));
    }

    [Test]
    public async Task Put_ConcurrentWritersFromOneContext_MakeSiblingsThatAMergedWriteResolves()
    {
        var key = Bytes("k-siblings");
        var first = await Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = key, Value = Bytes("v0") });
        await Task.WhenAll(
            Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = key, Value = Bytes("alice"), Context = first.Context }).ResponseAsync,
            Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = key, Value = Bytes("bob"), Context = first.Context }).ResponseAsync);

        var conflicted = await Kv.GetAsync(new GetRequest { TenantId = Tenant, Key = key, Consistency = Consistency.All });
        Assert.That(conflicted.Siblings.Select(s => s.Value.ToStringUtf8()), Is.EquivalentTo(new[] { "alice", "bob" }));

        await Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = key, Value = Bytes("resolved"), Context = conflicted.Context, Consistency = Consistency.All });
        var resolved = await Kv.GetAsync(new GetRequest { TenantId = Tenant, Key = key, Consistency = Consistency.All });
        Assert.That(resolved.Siblings.Select(s => s.Value.ToStringUtf8()), Is.EqualTo(new[] { "resolved" }));
    }

    [Test]
    public async Task Delete_WithContext_MakesTheKeyNotFound()
    {
        var key = Bytes("k-delete");
        var put = await Kv.PutAsync(new PutRequest { TenantId = Tenant, Key = key, Value = Bytes("v") });
        await Kv.DeleteAsync(new DeleteRequest { TenantId = Tenant, Key = key, Context = put.Context });

        var code = await ErrorOfAsync(() => Kv.GetAsync(new GetRequest { TenantId = Tenant, Key = key }).ResponseAsync);

        Assert.That(code, Is.EqualTo(ErrorCode.KeyNotFound));
    }

    [Test]
    public async Task Batch_MixedItems_AnswerItemByItemInOrder()
    {
        var puts = new BatchPutRequest();
        puts.Items.Add(new PutRequest { TenantId = Tenant, Key = Bytes("k-batch-1"), Value = Bytes("one") });
        puts.Items.Add(new PutRequest { TenantId = "bad tenant", Key = Bytes("k-batch-2"), Value = Bytes("two") });
        puts.Items.Add(new PutRequest { TenantId = Tenant, Key = Bytes("k-batch-3"), Value = Bytes("three") });
        var putReply = await Kv.BatchPutAsync(puts);

        var gets = new BatchGetRequest();
        foreach (var key in new[] { "k-batch-1", "k-batch-2", "k-batch-3" })
        {
            gets.Items.Add(new GetRequest { TenantId = Tenant, Key = Bytes(key) });
        }
        var getReply = await Kv.BatchGetAsync(gets);

        Assert.That(putReply.Results.Select(r => r.ResultCase), Is.EqualTo(new[]
        {
            PutResult.ResultOneofCase.Ok, PutResult.ResultOneofCase.Error, PutResult.ResultOneofCase.Ok,
        }));
        Assert.That(putReply.Results[1].Error.Code, Is.EqualTo((uint)ErrorCode.InvalidTenantId));
        Assert.That(getReply.Results[0].Ok.Siblings.Single().Value.ToStringUtf8(), Is.EqualTo("one"));
        Assert.That(getReply.Results[1].Error.Code, Is.EqualTo((uint)ErrorCode.KeyNotFound));
        Assert.That(getReply.Results[2].Ok.Siblings.Single().Value.ToStringUtf8(), Is.EqualTo("three"));
    }
}
