using PairDb.Chaos.Network;
using PairDb.Chaos.Tests.Support;

namespace PairDb.Chaos.Tests.Mechanisms;

/// <summary>
/// The network faults really cut traffic between namespaces and healing really restores it: TCP connects and UDP
/// datagrams between the namespaces of a real run layout (made and removed by the tool's own code).
/// </summary>
[NonParallelizable]
public sealed class NetworkFaultTests
{
    private const int Port = 7777;
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);
    private NetworkLayout _layout = null!;
    private PacketRules _rules = null!;

    [SetUp]
    public async Task SetUp()
    {
        await Root.RequireNetworkAsync();
        // The prefix of our own (live) PID, so a stale-run sweep leaves it alone; the tests of this fixture run one at a time.
        _layout = NetworkLayout.InNamespaces(NetworkLayout.PrefixFor(Environment.ProcessId), 1, 3);
        await Namespaces.CreateAsync(_layout);
        _rules = new PacketRules(_layout);
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_layout is not null)
        {
            var removed = await Namespaces.RemoveAsync(_layout.Prefix!);
            Assert.That(removed, Is.EqualTo(_layout.Members.Count + 1), "every namespace of the layout (and the hub) is removed");
        }
    }

    private string Ns(string name) => _layout[name].Namespace!;

    private string Address(string name) => _layout[name].Address;

    [Test]
    public async Task Partition_CutsBothWays_HealRestores()
    {
        using var listener1 = NamespaceSockets.Listen(Ns("storage-node-1"), Address("storage-node-1"), Port);
        using var listener2 = NamespaceSockets.Listen(Ns("storage-node-2"), Address("storage-node-2"), Port);
        Assert.That(await NamespaceSockets.CanConnectAsync(Ns("storage-node-2"), Address("storage-node-1"), Port, Long), Is.True, "connected before the partition");

        await _rules.PartitionAsync([_layout["storage-node-1"]], [_layout["storage-node-2"]]);

        Assert.That(await NamespaceSockets.CanConnectAsync(Ns("storage-node-2"), Address("storage-node-1"), Port, Short), Is.False, "node-2 -> node-1 cut");
        Assert.That(await NamespaceSockets.CanConnectAsync(Ns("storage-node-1"), Address("storage-node-2"), Port, Short), Is.False, "node-1 -> node-2 cut");
        Assert.That(await NamespaceSockets.CanConnectAsync(Ns("storage-node-3"), Address("storage-node-1"), Port, Long), Is.True, "node-3 is not in the partition");

        await _rules.HealAsync();

        Assert.That(await NamespaceSockets.CanConnectAsync(Ns("storage-node-2"), Address("storage-node-1"), Port, Long), Is.True, "connected after healing");
    }

    [Test]
    public async Task OneWay_DropsOnlyOneDirection()
    {
        Assert.That(await NamespaceSockets.DatagramArrivesAsync(Ns("coordinator-1"), Ns("storage-node-1"), Address("storage-node-1"), Port, Long), Is.True, "before");

        await _rules.DropAsync([_layout["coordinator-1"]], [_layout["storage-node-1"]]);

        Assert.That(await NamespaceSockets.DatagramArrivesAsync(Ns("coordinator-1"), Ns("storage-node-1"), Address("storage-node-1"), Port, Short), Is.False, "coordinator -> node-1 dropped");
        Assert.That(await NamespaceSockets.DatagramArrivesAsync(Ns("storage-node-1"), Ns("coordinator-1"), Address("coordinator-1"), Port, Long), Is.True, "node-1 -> coordinator still flows");

        await _rules.HealAsync();

        Assert.That(await NamespaceSockets.DatagramArrivesAsync(Ns("coordinator-1"), Ns("storage-node-1"), Address("storage-node-1"), Port, Long), Is.True, "after healing");
    }

    [Test]
    public async Task Loss_DropsIncomingPackets_HealRestores()
    {
        using var listener = NamespaceSockets.Listen(Ns("postgres"), Address("postgres"), Port);

        await _rules.LossAsync(_layout["postgres"], 100);

        Assert.That(await NamespaceSockets.CanConnectAsync(Ns("coordinator-1"), Address("postgres"), Port, Short), Is.False, "100% loss: no connection");

        await _rules.HealAsync();

        Assert.That(await NamespaceSockets.CanConnectAsync(Ns("coordinator-1"), Address("postgres"), Port, Long), Is.True, "after healing");
    }

    [Test]
    public async Task RemoveStale_RemovesRunsWhoseSupervisorIsGone()
    {
        // A layout under the prefix of a PID that cannot be alive (above the kernel's pid_max).
        var stale = NetworkLayout.InNamespaces(NetworkLayout.PrefixFor(99_999_999), 1, 3);
        await Namespaces.CreateAsync(stale);

        await Namespaces.RemoveStaleAsync();

        var left = await PairDb.Client.Tooling.ProcessRunner.RunAsync("ip", ["netns", "list"], TimeSpan.FromSeconds(10));
        Assert.That(left.Output, Does.Not.Contain(stale.Prefix!));
        Assert.That(left.Output, Does.Contain(_layout.Prefix!), "a live run's namespaces stay");
    }
}
