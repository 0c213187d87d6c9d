using PairDb.Client.Tooling.Cluster;
using PairDb.Testing;

namespace PairDb.Client.Tests.Cluster;

public sealed class ClusterStateTests
{
    private TestDirectory _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = TestDirectory.Create();

    [TearDown]
    public void RemoveDirectory() => _directory.Dispose();

    [Test]
    public void SaveThenTryLoad_FullState_RoundTrips()
    {
        var state = new ClusterState
        {
            BasePort = 7400,
            CoordinatorGrpcPort = 7401,
            CoordinatorHttpPort = 7402,
            Postgres = new PostgresState { Managed = true, Port = 7400, ConnectionString = "Host=127.0.0.1;Port=7400", Process = new ManagedProcess { Pid = 42, StartTicks = 7, CommandLineMarker = "/d" } },
            Nodes = [new NodeProcess { Id = "node-1", Slot = 1, GrpcPort = 7410, HttpPort = 7411, DataDirectory = "/d/nodes/node-1" }],
        };

        state.Save(_directory.Path);
        var loaded = ClusterState.TryLoad(_directory.Path)!;

        Assert.That(loaded.BasePort, Is.EqualTo(7400));
        Assert.That(loaded.Postgres.Process!.StartTicks, Is.EqualTo(7));
        Assert.That(loaded.Nodes.Single().HttpPort, Is.EqualTo(7411));
        Assert.That(File.ReadAllText(_directory.Combine(ClusterState.FileName)), Does.Contain("\"grpc_port\": 7410"));
        Assert.That(File.Exists(_directory.Combine(ClusterState.FileName + ".tmp")), Is.False);
    }

    [Test]
    public void TryLoad_NoFile_Null() => Assert.That(ClusterState.TryLoad(_directory.Path), Is.Null);

    [Test]
    public void TryLoad_Garbage_ThrowsNamingTheFile()
    {
        File.WriteAllText(_directory.Combine(ClusterState.FileName), "{ not json");

        var error = Assert.Throws<ClusterException>(() => ClusterState.TryLoad(_directory.Path));

        Assert.That(error!.Message, Does.Contain(ClusterState.FileName).And.Contain("not a valid cluster state file"));
    }

    [TestCase(1, 7410, 7411)]
    [TestCase(3, 7414, 7415)]
    public void NodePorts_Slot_FollowTheDocumentedScheme(int slot, int grpc, int http)
    {
        Assert.That(ClusterPorts.NodeGrpc(7400, slot), Is.EqualTo(grpc));
        Assert.That(ClusterPorts.NodeHttp(7400, slot), Is.EqualTo(http));
        Assert.That(ClusterPorts.CoordinatorGrpc(7400), Is.EqualTo(7401));
        Assert.That(ClusterPorts.CoordinatorHttp(7400), Is.EqualTo(7402));
    }

    [TestCase(80)]
    [TestCase(65500)]
    public void Validate_RangeOutsideUserPorts_ThrowsWithTheRange(int basePort)
    {
        var error = Assert.Throws<ClusterException>(() => ClusterPorts.Validate(basePort));

        Assert.That(error!.Message, Does.Contain("1024..65535"));
    }
}
