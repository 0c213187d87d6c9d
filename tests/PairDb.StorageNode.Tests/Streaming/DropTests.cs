using PairDb.Contracts.Grpc;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;
using static PairDb.StorageNode.Tests.Testing.StreamingKit;
using static PairDb.StorageNode.Tests.Testing.Versions;

namespace PairDb.StorageNode.Tests.Streaming;

/// <summary>DropRanges and ClearAll on a real node: exactly the selected keys go, for good, with no older version coming back.</summary>
[NonParallelizable]
public sealed class DropTests
{
    private static readonly Dictionary<string, string> ManualCompaction = new() { ["PairDb:StorageNode:Engine:Compaction:Automatic"] = "false" };

    [Test]
    public async Task DropRanges_NewerVersionAboveOlderInLowerLevel_DropsBothAndKeepsTheRestAcrossRestart()
    {
        using var directory = TestDirectory.Create();
        await using var node = await StartNodeAsync(directory.Path, "node-drop", ManualCompaction);
        await WriteManyAsync(node, "t-drop", 200, 100);
        await node.PostJsonAsync("/api/v1/commitlog/force-cleanup");
        await node.PostJsonAsync("/api/v1/compaction/compact-all"); // every v1 now in a lower level
        for (var i = 0; i < 200; i++)
        {
            var current = Parse((await node.Client.ReadAsync(Read("t-drop", $"k{i:D6}"))).Versions);
            await node.Client.CoordinatedWriteAsync(Write("t-drop", $"k{i:D6}", "v2", current));
        }

        await node.PostJsonAsync("/api/v1/commitlog/force-cleanup"); // some v2 in L0, the rest below in the memtable
        var range = new TokenRange { StartToken = 0xE000_0000_0000_0000UL, EndToken = 0x6000_0000_0000_0000UL }; // wraps
        bool InRange(ulong t) => t > range.StartToken || t <= range.EndToken;
        var inside = Enumerable.Range(0, 200).Where(i => InRange(TokenOf("t-drop", $"k{i:D6}"))).ToList();
        var request = new DropRangesRequest();
        request.Ranges.Add(range);

        var reply = await node.Client.DropRangesAsync(request);
        await node.RestartAsync(kill: true);

        var present = new List<int>();
        var values = new HashSet<string>();
        for (var i = 0; i < 200; i++)
        {
            var read = await node.Client.ReadAsync(Read("t-drop", $"k{i:D6}"));
            if (read.Found)
            {
                present.Add(i);
                values.UnionWith(LiveValues(Parse(read.Versions)));
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(inside, Has.Count.InRange(40, 160), "the range holds a fair share of the keys");
            Assert.That(reply.KeysDropped, Is.EqualTo((ulong)inside.Count));
            Assert.That(reply.BytesReclaimed, Is.GreaterThan(0UL));
            Assert.That(present, Is.EqualTo(Enumerable.Range(0, 200).Except(inside).ToList()));
            Assert.That(values, Is.EqualTo(new HashSet<string> { "v2" }), "survivors keep their newest version only");
        });
    }

    [Test]
    public async Task ClearAll_HttpThenGrpc_RemovesEveryKeyForGood()
    {
        using var directory = TestDirectory.Create();
        await using var node = await StartNodeAsync(directory.Path, "node-clear", ManualCompaction);
        await WriteManyAsync(node, "t-clear-1", 120, 50);
        await node.PostJsonAsync("/api/v1/commitlog/force-cleanup");
        await WriteManyAsync(node, "t-clear-2", 30, 50);

        var cleared = await node.PostJsonAsync("/api/v1/data/clear-all");
        var again = await node.Client.ClearAllAsync(new ClearAllRequest());
        await node.RestartAsync(kill: false);
        var digest = await node.Client.RangeDigestAsync(new RangeDigestRequest { StartToken = 1, EndToken = 1 });

        Assert.Multiple(() =>
        {
            Assert.That(cleared.GetProperty("keys_dropped").GetInt64(), Is.EqualTo(150));
            Assert.That(again.KeysDropped, Is.Zero);
            Assert.That(digest.KeyCount, Is.Zero);
            Assert.That(Directory.GetFiles(Path.Combine(node.DataDirectory, "sstables"), "*.sst", SearchOption.AllDirectories), Is.Empty);
        });
    }
}
