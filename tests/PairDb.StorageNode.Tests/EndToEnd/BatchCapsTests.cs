using Google.Protobuf;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;
using static PairDb.StorageNode.Tests.Testing.Versions;

namespace PairDb.StorageNode.Tests.EndToEnd;

/// <summary>The batch caps of StorageService on one real node with small limits: item cap, and reads cut at the byte cap.</summary>
[NonParallelizable]
public sealed class BatchCapsTests
{
    private const int MaxBatchItems = 20;
    private const int MaxBatchBytes = 128 * 1024;
    private const int ValueBytes = 60 * 1024;

    private TestDirectory _directory = null!;
    private StorageNodeProcess _node = null!;

    private StorageService.StorageServiceClient Client => _node.Client;

    [OneTimeSetUp]
    public async Task StartNode()
    {
        _directory = TestDirectory.Create(nameof(BatchCapsTests));
        _node = await StorageNodeProcess.StartAsync(_directory.Path, new Dictionary<string, string>
        {
            ["PairDb:StorageNode:Validation:MaxValueBytes"] = "65536",
            ["PairDb:StorageNode:Validation:MaxBatchItems"] = MaxBatchItems.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PairDb:StorageNode:Validation:MaxBatchBytes"] = MaxBatchBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PairDb:StorageNode:Streaming:MaxBatchBytes"] = MaxBatchBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    [OneTimeTearDown]
    public async Task StopNode()
    {
        await _node.DisposeAsync();
        _directory.Dispose();
    }

    [Test]
    public void BatchCoordinatedWrite_OverTheItemCap_IsRefusedWholeAndStoresNothing()
    {
        var request = new BatchCoordinatedWriteRequest();
        for (var i = 0; i <= MaxBatchItems; i++)
        {
            request.Items.Add(Write("t1", $"k-cap-{i}", "v"));
        }

        var e = Assert.ThrowsAsync<RpcException>(async () => await Client.BatchCoordinatedWriteAsync(request));

        Assert.That(CodeOf(e!), Is.EqualTo(ErrorCode.BatchTooLarge));
        Assert.That(e!.Status.Detail, Does.Contain("MaxBatchItems"));
        Assert.That(Client.Read(Read("t1", "k-cap-0")).Found, Is.False, "nothing of a refused batch is stored");
    }

    [Test]
    public async Task BatchRead_LargeObjects_CutAtTheByteCap_TheRestAskedToReadAlone()
    {
        const int Keys = 6;
        var value = new string('x', ValueBytes);
        for (var i = 0; i < Keys; i++)
        {
            await Client.CoordinatedWriteAsync(Write("t1", $"k-big-{i}", value));
        }

        var request = new BatchReadRequest();
        for (var i = 0; i < Keys; i++)
        {
            request.Items.Add(Read("t1", $"k-big-{i}"));
        }

        var reply = await Client.BatchReadAsync(request);

        // 60 KiB objects against a 128 KiB cap: the reply is cut once it reaches the cap, after three.
        var read = reply.Results.TakeWhile(r => r.ResultCase == ReadResult.ResultOneofCase.Ok).Count();
        Assert.Multiple(() =>
        {
            Assert.That(read, Is.EqualTo(3), "items answered before the cut");
            Assert.That(reply.Results.Skip(read).Select(r => (ErrorCode)r.Error.Code), Is.All.EqualTo(ErrorCode.BatchTooLarge));
            Assert.That(reply.Results.Take(read).Select(r => r.Ok.Versions.Length).Sum(), Is.LessThan(MaxBatchBytes + ValueBytes + 1024));
        });
        var alone = await Client.ReadAsync(request.Items[Keys - 1]);
        Assert.That(LiveValues(Parse(alone.Versions)), Is.EqualTo(new[] { value }), "an item the cut skipped reads on its own");
    }

    [Test]
    public void BatchReplicaWrite_OverTheItemCap_IsRefusedWhole()
    {
        var request = new BatchReplicaWriteRequest();
        for (var i = 0; i <= MaxBatchItems; i++)
        {
            request.Items.Add(new ReplicaWriteRequest { TenantId = "t1", Key = Bytes($"k-rcap-{i}"), Versions = ByteString.Empty });
        }

        var e = Assert.ThrowsAsync<RpcException>(async () => await Client.BatchReplicaWriteAsync(request));

        Assert.That(CodeOf(e!), Is.EqualTo(ErrorCode.BatchTooLarge));
    }
}
