using PairDb.Coordinator.Data;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Tests.Ring;
using PairDb.Coordinator.Topology.Changes;

namespace PairDb.Coordinator.Tests.Topology;

public sealed class ChangePlannerTests
{
    private const int N = 3;

    [Test]
    public void Streams_BootstrapIntoThreeNodes_EveryMovedRangeStreamsToTheJoiningNodeFromItsLoser()
    {
        var rows = Rows(4, joining: "storage-node-4");
        var ring = ChangePlanner.Ring(rows);
        var moves = ChangePlanner.Moves(ring, "storage-node-4", N);
        var streams = ChangePlanner.Streams(moves, unavailableSource: null, preferredSources: null);

        Assert.That(moves, Is.Not.Empty);
        Assert.That(streams.Select(s => s.Target).Distinct(), Is.EqualTo(new[] { "storage-node-4" }));
        foreach (var move in moves)
        {
            var stream = streams.Single(s => s.Ranges.Any(r => ChangeDetails.ToRange(r) == move.Range));
            Assert.That(stream.Source, Is.EqualTo(move.Losers.Single()), $"range {move.Range} must come from the node giving it up");
        }
        Assert.That(streams.Sum(s => s.Ranges.Count), Is.EqualTo(moves.Count));
        Assert.That(streams.Select(s => s.Id), Is.EqualTo(Enumerable.Range(0, streams.Count)));
    }

    [Test]
    public void Streams_FirstNodeOfEmptyCluster_NothingToStream()
    {
        var rows = Rows(1, joining: "storage-node-1");
        var moves = ChangePlanner.Moves(ChangePlanner.Ring(rows), "storage-node-1", N);

        Assert.That(moves, Is.Not.Empty, "every range gains its first replica");
        Assert.That(ChangePlanner.Streams(moves, null, null), Is.Empty);
    }

    [Test]
    public void Streams_ForcedDecommissionOfDownNode_GainersReadFromStayingOwners()
    {
        var rows = Rows(4, leaving: "storage-node-2");
        var ring = ChangePlanner.Ring(rows);
        var moves = ChangePlanner.Moves(ring, "storage-node-2", N);
        var streams = ChangePlanner.Streams(moves, unavailableSource: "storage-node-2", preferredSources: null);

        Assert.That(streams, Is.Not.Empty);
        Assert.That(streams.Select(s => s.Source), Has.None.EqualTo("storage-node-2"));
        foreach (var stream in streams)
        {
            foreach (var range in stream.Ranges.Select(ChangeDetails.ToRange))
            {
                var move = moves.Single(m => m.Range == range);
                Assert.That(move.Stayers, Does.Contain(stream.Source), $"range {range} must come from an owner that keeps it");
            }
        }
    }

    [Test]
    public void Streams_RingSmallerThanN_PreferredStayerIsTheSource()
    {
        var rows = Rows(3, joining: "storage-node-3");
        var moves = ChangePlanner.Moves(ChangePlanner.Ring(rows), "storage-node-3", N);

        var byDefault = ChangePlanner.Streams(moves, null, null);
        var preferred = ChangePlanner.Streams(moves, null, ["storage-node-2"]);

        Assert.That(byDefault.Select(s => s.Source), Does.Contain("storage-node-1"));
        Assert.That(preferred.Select(s => s.Source).Distinct(), Is.EqualTo(new[] { "storage-node-2" }));
    }

    [Test]
    public void CleanupTasks_AfterBootstrap_EachLoserDropsExactlyTheRangesItGaveUp()
    {
        var rows = Rows(4, joining: "storage-node-4");
        var moves = ChangePlanner.Moves(ChangePlanner.Ring(rows), "storage-node-4", N);
        var tasks = ChangePlanner.CleanupTasks(moves, gainers: false, Addresses(rows));

        Assert.That(tasks.Select(t => t.NodeId), Is.SubsetOf(new[] { "storage-node-1", "storage-node-2", "storage-node-3" }));
        foreach (var task in tasks)
        {
            var expected = moves.Where(m => m.Losers.Contains(task.NodeId)).Select(m => m.Range);
            Assert.That(task.Ranges.Select(ChangeDetails.ToRange), Is.EqualTo(expected));
            Assert.That(task.Host, Is.EqualTo("10.0.0.1"));
            Assert.That(task.Status, Is.EqualTo(Coordinator.Cleanup.CleanupTaskStatuses.Scheduled));
        }
    }

    [Test]
    public void CleanupTasks_AfterAbortedBootstrap_TheJoiningNodeDropsEverythingItWasGiven()
    {
        var rows = Rows(4, joining: "storage-node-4");
        var moves = ChangePlanner.Moves(ChangePlanner.Ring(rows), "storage-node-4", N);
        var tasks = ChangePlanner.CleanupTasks(moves, gainers: true, Addresses(rows));

        Assert.That(tasks.Select(t => t.NodeId), Is.EqualTo(new[] { "storage-node-4" }));
        Assert.That(tasks[0].Ranges, Has.Count.EqualTo(moves.Count));
    }

    [Test]
    public void BlockedBy_TwoJoiningNodesOfOneRing_TheSecondWaitsForTheFirst()
    {
        var nodes = Clusters.Join(5, 20);
        var rows = nodes.Select((n, i) => Row(n, i >= 3 ? NodeStates.Bootstrapping : NodeStates.Normal)).ToList();
        var ring = ChangePlanner.Ring(rows);
        var first = ChangePlanner.RangesOf(ChangePlanner.Moves(ring, "storage-node-4", N));
        var second = ChangePlanner.RangesOf(ChangePlanner.Moves(ring, "storage-node-5", N));

        Assert.That(ChangePlanner.BlockedBy(second, [("change-a", first)]), Is.EqualTo("change-a"));
    }

    [Test]
    public void BlockedBy_DisjointRanges_MayRunTogether()
    {
        IReadOnlyList<TokenRange> mine = [new(100, 200), new(5000, 6000)];
        IReadOnlyList<TokenRange> other = [new(200, 300), new(ulong.MaxValue - 10, 50)];

        Assert.That(ChangePlanner.BlockedBy(mine, [("change-a", other)]), Is.Null);
        Assert.That(ChangePlanner.BlockedBy(mine, [("change-a", other), ("change-b", [new TokenRange(150, 160)])]), Is.EqualTo("change-b"));
    }

    internal static List<StorageNodeRecord> Rows(int count, string? joining = null, string? leaving = null) =>
        Clusters.Join(count, 20).Select(n => Row(n, n.NodeId == joining ? NodeStates.Bootstrapping : n.NodeId == leaving ? NodeStates.Leaving : NodeStates.Normal)).ToList();

    private static StorageNodeRecord Row(RingNode node, string state) => new()
    {
        NodeId = node.NodeId,
        Host = node.Host,
        GrpcPort = node.GrpcPort,
        HttpPort = node.HttpPort,
        VirtualNodes = node.Tokens.Length,
        Tokens = TokenBits.ToStored(node.Tokens),
        State = state,
        Status = NodeStatuses.Up,
    };

    private static Dictionary<string, NodeAddress> Addresses(List<StorageNodeRecord> rows) =>
        rows.ToDictionary(r => r.NodeId, r => new NodeAddress(r.Host, r.GrpcPort, r.HttpPort), StringComparer.Ordinal);
}
