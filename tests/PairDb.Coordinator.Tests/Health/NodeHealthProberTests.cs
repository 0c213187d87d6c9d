using Grpc.Health.V1;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Nodes;
using PairDb.Coordinator.Tests.Support;

namespace PairDb.Coordinator.Tests.Health;

/// <summary>The prober marks nodes UP and DOWN in memory and in storage_nodes.status.</summary>
public sealed class NodeHealthProberTests
{
    private MetadataDatabase _database = null!;
    private InProcessCoordinator _coordinator = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _database = await MetadataDatabase.CreateAsync();
        _coordinator = await InProcessCoordinator.StartAsync(_database.ConnectionString, settings: new Dictionary<string, string>
        {
            ["PairDb:HealthProbe:Interval"] = "00:00:00.100",
            ["PairDb:HealthProbe:Timeout"] = "00:00:00.500",
            ["PairDb:HealthProbe:FailureThreshold"] = "2",
        });
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _coordinator.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Test]
    public async Task Probe_ServingNode_UpThenStoppedNode_Down()
    {
        await using var node = await HealthOnlyNode.StartAsync();
        await _coordinator.Client.AddStorageNodeAsync(new AddStorageNodeRequest { NodeId = "storage-node-1", Host = "127.0.0.1", Port = (uint)node.Port });

        await Eventually.WaitAsync(() => StoredStatusIs("storage-node-1", "UP"), "storage-node-1 to be stored UP");
        Assert.That(_coordinator.Get<NodeLiveness>().StatusOf("storage-node-1"), Is.EqualTo("UP"));
        var status = await _coordinator.Client.GetStorageNodeStatusAsync(new GetStorageNodeStatusRequest { NodeId = "storage-node-1" });
        Assert.That(status.Node.Status, Is.EqualTo(NodeStatus.Up));

        await node.StopAsync();
        await Eventually.WaitAsync(() => StoredStatusIs("storage-node-1", "DOWN"), "storage-node-1 to be stored DOWN after it stopped");
        Assert.That(_coordinator.Get<NodeLiveness>().IsDown("storage-node-1"), Is.True);
    }

    [Test]
    public async Task Probe_NotServingNode_Down()
    {
        await using var node = await HealthOnlyNode.StartAsync();
        node.Health.SetStatus("", HealthCheckResponse.Types.ServingStatus.NotServing);
        await _coordinator.Client.AddStorageNodeAsync(new AddStorageNodeRequest { NodeId = "storage-node-1", Host = "127.0.0.1", Port = (uint)node.Port });

        await Eventually.WaitAsync(() => StoredStatusIs("storage-node-1", "DOWN"), "a NOT_SERVING node to be stored DOWN");

        node.Health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        await Eventually.WaitAsync(() => StoredStatusIs("storage-node-1", "UP"), "the node to come back UP once it serves");
    }

    private async Task<bool> StoredStatusIs(string nodeId, string status) =>
        await _database.ScalarAsync<string>($"SELECT status FROM storage_nodes WHERE node_id='{nodeId}'") == status;
}
