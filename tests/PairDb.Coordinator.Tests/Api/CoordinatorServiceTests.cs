using PairDb.Testing.Runbook;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Tests.Support;

namespace PairDb.Coordinator.Tests.Api;

/// <summary>pairdb.CoordinatorService as runbook 5.1-5.2 drives it, against a real coordinator and PostgreSQL.</summary>
public sealed class CoordinatorServiceTests
{
    private MetadataDatabase _database = null!;
    private InProcessCoordinator _coordinator = null!;

    private CoordinatorService.CoordinatorServiceClient Client => _coordinator.Client;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _database = await MetadataDatabase.CreateAsync();
        _coordinator = await InProcessCoordinator.StartAsync(_database.ConnectionString);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _coordinator.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>Every test starts from an empty cluster (one coordinator start per fixture keeps the suite fast).</summary>
    [SetUp]
    public Task ResetAsync() => _coordinator.ResetAsync(_database);

    [Test]
    public async Task AddStorageNode_RunbookRequest_BootstrapsThenJoinsNormalAndIsListed()
    {
        var reply = await Client.AddStorageNodeAsync(new AddStorageNodeRequest { NodeId = "storage-node-4", Host = "127.0.1.4", Port = 8001, VirtualNodes = 150 });

        Assert.That(reply.Node.State, Is.EqualTo(NodeState.Bootstrapping));
        Assert.That(reply.Node.GrpcPort, Is.EqualTo(8001));
        Assert.That(reply.Node.HttpPort, Is.EqualTo(8080));
        Assert.That(reply.Change.Type, Is.EqualTo("bootstrap"));
        Assert.That(reply.Change.Status, Is.EqualTo("in_progress"));
        Assert.That(reply.Change.Progress, Is.Zero);
        // The first node of an empty cluster has nothing to stream: its bootstrap completes at once.
        await Eventually.WaitAsync(async () => (await Client.GetStorageNodeStatusAsync(new GetStorageNodeStatusRequest { NodeId = "storage-node-4" })).Node.State == NodeState.Normal,
            "the first node's bootstrap to complete (NORMAL)");
        var status = await Client.GetStorageNodeStatusAsync(new GetStorageNodeStatusRequest { NodeId = "storage-node-4" });
        Assert.That(status.Change.ChangeId, Is.EqualTo(reply.Change.ChangeId));
        Assert.That(status.Change.Status, Is.EqualTo("completed"));
        Assert.That(status.Change.Progress, Is.EqualTo(100));
        Assert.That(status.Change.CompletedAt, Is.Not.Null);
        var list = await Client.ListStorageNodesAsync(new ListStorageNodesRequest());
        Assert.That(list.Nodes.Select(n => n.NodeId), Is.EqualTo(new[] { "storage-node-4" }));
        var bootstraps = await _database.QueryAsync(RunbookSql.BootstrapChanges);
        Assert.That(bootstraps.Single()["change_id"], Is.EqualTo(reply.Change.ChangeId));
        Assert.That(_coordinator.Get<RingProvider>().Current.Members.Select(m => m.NodeId), Is.EqualTo(new[] { "storage-node-4" }));
    }

    [Test]
    public async Task AddStorageNode_ThreeNodes_RingHasEveryNodeWith150Tokens()
    {
        await AddNodesAsync(3);
        var ring = _coordinator.Get<RingProvider>().Current;
        Assert.That(ring.Members.Select(m => m.NodeId), Is.EqualTo(new[] { "storage-node-1", "storage-node-2", "storage-node-3" }));
        Assert.That(ring.TokenCount, Is.EqualTo(450));
        Assert.That(ring.GetPreferenceList(42UL, 3), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task AddStorageNode_SameRequestTwice_ReturnsTheSameNode()
    {
        var request = new AddStorageNodeRequest { NodeId = "storage-node-1", Host = "127.0.1.1", Port = 8001 };
        var first = await Client.AddStorageNodeAsync(request);
        var second = await Client.AddStorageNodeAsync(request);
        Assert.That(second.Node.CreatedAt, Is.EqualTo(first.Node.CreatedAt));
        Assert.That((await Client.ListStorageNodesAsync(new ListStorageNodesRequest())).Nodes, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AddStorageNode_SameIdOtherAddress_AlreadyExistsWithCode1000()
    {
        await Client.AddStorageNodeAsync(new AddStorageNodeRequest { NodeId = "storage-node-1", Host = "127.0.1.1", Port = 8001 });
        var error = await RpcAssert.FailsAsync(
            () => Client.AddStorageNodeAsync(new AddStorageNodeRequest { NodeId = "storage-node-1", Host = "127.0.1.9", Port = 8001 }).ResponseAsync,
            StatusCode.AlreadyExists, ErrorCode.InvalidArgument);
        Assert.That(error.Status.Detail, Does.Contain("already exists"));
    }

    [Test]
    public async Task AddStorageNode_SameAddressOtherId_AlreadyExists()
    {
        await Client.AddStorageNodeAsync(new AddStorageNodeRequest { NodeId = "storage-node-1", Host = "127.0.1.1", Port = 8001 });
        await RpcAssert.FailsAsync(
            () => Client.AddStorageNodeAsync(new AddStorageNodeRequest { NodeId = "storage-node-2", Host = "127.0.1.1", Port = 8001 }).ResponseAsync,
            StatusCode.AlreadyExists, ErrorCode.InvalidArgument);
    }

    [TestCase("", "127.0.1.1", 8001u, 0u)]
    [TestCase("has space", "127.0.1.1", 8001u, 0u)]
    [TestCase("storage-node-1", "", 8001u, 0u)]
    [TestCase("storage-node-1", "not a host!", 8001u, 0u)]
    [TestCase("storage-node-1", "127.0.1.1", 0u, 0u)]
    [TestCase("storage-node-1", "127.0.1.1", 70000u, 0u)]
    [TestCase("storage-node-1", "127.0.1.1", 8001u, 5000u)]
    public async Task AddStorageNode_MalformedRequest_InvalidArgument1000(string nodeId, string host, uint port, uint virtualNodes)
    {
        await RpcAssert.FailsAsync(
            () => Client.AddStorageNodeAsync(new AddStorageNodeRequest { NodeId = nodeId, Host = host, Port = port, VirtualNodes = virtualNodes }).ResponseAsync,
            StatusCode.InvalidArgument, ErrorCode.InvalidArgument);
        Assert.That((await Client.ListStorageNodesAsync(new ListStorageNodesRequest())).Nodes, Is.Empty);
    }

    [Test]
    public async Task GetStorageNodeStatus_UnknownNode_NotFoundWithCode1000()
    {
        await RpcAssert.FailsAsync(
            () => Client.GetStorageNodeStatusAsync(new GetStorageNodeStatusRequest { NodeId = "storage-node-9" }).ResponseAsync,
            StatusCode.NotFound, ErrorCode.InvalidArgument);
    }

    [Test]
    public async Task RemoveStorageNode_WouldLeaveFewerThanN_IsRefusedAndNodeStays()
    {
        await AddNodesAsync(3);
        var error = await RpcAssert.FailsAsync(
            () => Client.RemoveStorageNodeAsync(new RemoveStorageNodeRequest { NodeId = "storage-node-2", Force = false }).ResponseAsync,
            StatusCode.FailedPrecondition, ErrorCode.InvalidArgument);
        Assert.That(error.Status.Detail, Does.Contain("replication factor 3"));
        Assert.That((await Client.ListStorageNodesAsync(new ListStorageNodesRequest())).Nodes, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task RemoveStorageNode_FourNodes_LeavingStaysInRingWithDecommissionInProgress()
    {
        await AddNodesAsync(4);
        var reply = await Client.RemoveStorageNodeAsync(new RemoveStorageNodeRequest { NodeId = "storage-node-2", Force = false });

        Assert.That(reply.Node.State, Is.EqualTo(NodeState.Leaving));
        Assert.That(reply.Change.Type, Is.EqualTo("decommission"));
        Assert.That(reply.Change.Status, Is.EqualTo("in_progress"));
        var status = await Client.GetStorageNodeStatusAsync(new GetStorageNodeStatusRequest { NodeId = "storage-node-2" });
        Assert.That(status.Node.State, Is.EqualTo(NodeState.Leaving));
        Assert.That(status.Change.ChangeId, Is.EqualTo(reply.Change.ChangeId));
        Assert.That(_coordinator.Get<RingProvider>().Current.Members.Select(m => m.NodeId), Does.Contain("storage-node-2"), "a LEAVING node stays in the ring while it streams");
        var decommissions = await _database.QueryAsync(RunbookSql.DecommissionChanges);
        Assert.That(decommissions.Single()["change_id"], Is.EqualTo(reply.Change.ChangeId));

        var again = await Client.RemoveStorageNodeAsync(new RemoveStorageNodeRequest { NodeId = "storage-node-2", Force = false });
        Assert.That(again.Change.ChangeId, Is.EqualTo(reply.Change.ChangeId), "RemoveStorageNode of a LEAVING node returns its decommission");
    }

    [Test]
    public async Task RemoveStorageNode_ForceBelowN_NothingToStreamSoRemovedAndCompleted()
    {
        await AddNodesAsync(3);
        var reply = await Client.RemoveStorageNodeAsync(new RemoveStorageNodeRequest { NodeId = "storage-node-1", Force = true });

        // The two remaining nodes already replicate every range (N = 3): no range gains a replica.
        await Eventually.WaitAsync(async () => (await Client.ListStorageNodesAsync(new ListStorageNodesRequest())).Nodes.Count == 2,
            "the forced decommission to remove storage-node-1");
        var list = await Client.ListStorageNodesAsync(new ListStorageNodesRequest());
        Assert.That(list.Nodes.Select(n => n.NodeId), Is.EqualTo(new[] { "storage-node-2", "storage-node-3" }));
        Assert.That(_coordinator.Get<RingProvider>().Current.TryGetNode("storage-node-1", out _), Is.False);
        var completed = await _database.QueryAsync(RunbookSql.CompletedDecommissions);
        Assert.That(completed.Single()["change_id"], Is.EqualTo(reply.Change.ChangeId));
    }

    [Test]
    public async Task RemoveStorageNode_Bootstrapping_RefusedWithAbortHint()
    {
        await AddNodesAsync(3);
        await Client.AddStorageNodeAsync(new AddStorageNodeRequest { NodeId = "storage-node-4", Host = "127.0.1.4", Port = 8001 });
        var error = await RpcAssert.FailsAsync(
            () => Client.RemoveStorageNodeAsync(new RemoveStorageNodeRequest { NodeId = "storage-node-4", Force = true }).ResponseAsync,
            StatusCode.FailedPrecondition, ErrorCode.InvalidArgument);
        Assert.That(error.Status.Detail, Does.Contain("rebalance/abort"));
    }

    [Test]
    public async Task RemoveStorageNode_UnknownNode_NotFound()
    {
        await RpcAssert.FailsAsync(
            () => Client.RemoveStorageNodeAsync(new RemoveStorageNodeRequest { NodeId = "storage-node-9", Force = true }).ResponseAsync,
            StatusCode.NotFound, ErrorCode.InvalidArgument);
    }

    /// <summary>Registers made-up nodes and settles them NORMAL (nothing could stream to these addresses).</summary>
    private async Task AddNodesAsync(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await Client.AddStorageNodeAsync(new AddStorageNodeRequest { NodeId = $"storage-node-{i}", Host = $"127.0.1.{i}", Port = 8001 });
        }
        await _coordinator.SettleAsync(_database);
    }
}
