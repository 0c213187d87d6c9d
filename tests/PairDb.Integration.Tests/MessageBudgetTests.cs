using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;

namespace PairDb.Integration.Tests;

/// <summary>
/// One size budget end to end (issue 13): everything the cluster accepts can be read back through the
/// coordinator, whatever gRPC's 4 MB default says; client batches have an item and a byte cap; a
/// BatchGet of large objects is cut at the byte cap instead of growing without bound.
/// </summary>
[NonParallelizable]
public sealed class MessageBudgetTests
{
    private const int MaxBatchItems = 200;
    private const int MaxBatchBytes = 2 * 1024 * 1024;
    private const int MaxObjectBytes = 8 * 1024 * 1024;
    private TestCluster _cluster = null!;

    private KeyValueService.KeyValueServiceClient KeyValue => _cluster.KeyValue;

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        var node = Limits("PairDb:StorageNode:Validation:");
        node["PairDb:StorageNode:Streaming:MaxBatchBytes"] = Text(MaxBatchBytes);
        var coordinator = Limits("PairDb:Coordinator:Validation:");
        coordinator["PairDb:Hints:ReplayBatchSize"] = Text(MaxBatchItems);
        // Megabytes per call on a busy 2-core machine: this fixture is about sizes, not the tests' usual 1 s deadline.
        coordinator["PairDb:Replication:ReplicaTimeout"] = "00:00:10";
        _cluster = await TestCluster.StartAsync(
            new Dictionary<int, IReadOnlyDictionary<string, string>> { [0] = node, [1] = node, [2] = node },
            coordinator);
    }

    [OneTimeTearDown]
    public async Task StopCluster() => await _cluster.DisposeAsync();

    [Test]
    public async Task SiblingsOverFourMegabytes_AreReadableThroughTheCoordinator_AndResolvable()
    {
        // Six blind writes of ~1 MB: a 6 MB sibling set, over gRPC's 4 MB default receive limit that the
        // coordinator's node channels once had, within this cluster's object limit.
        var key = ByteString.CopyFromUtf8("big-siblings");
        for (var i = 0; i < 6; i++)
        {
            await KeyValue.PutAsync(new PutRequest { TenantId = TestCluster.Tenant, Key = key, Value = Filled(1_000_000, (byte)('a' + i)) });
        }

        var read = await KeyValue.GetAsync(new GetRequest { TenantId = TestCluster.Tenant, Key = key });
        await KeyValue.PutAsync(new PutRequest { TenantId = TestCluster.Tenant, Key = key, Value = ByteString.CopyFromUtf8("resolved"), Context = read.Context });
        var after = await KeyValue.GetAsync(new GetRequest { TenantId = TestCluster.Tenant, Key = key });

        Assert.Multiple(() =>
        {
            Assert.That(read.Siblings, Has.Count.EqualTo(6), "every blind write is a sibling");
            Assert.That(read.Siblings.Select(s => s.Value.Length), Is.All.EqualTo(1_000_000));
            Assert.That(after.Siblings.Select(s => s.Value.ToStringUtf8()), Is.EqualTo(new[] { "resolved" }));
        });
    }

    [Test]
    public void BatchPut_OverTheItemCap_IsRefusedWhole_AndStoresNothing()
    {
        var request = new BatchPutRequest();
        for (var i = 0; i <= MaxBatchItems; i++)
        {
            request.Items.Add(new PutRequest { TenantId = TestCluster.Tenant, Key = ByteString.CopyFromUtf8($"cap-{i}"), Value = ByteString.CopyFromUtf8("v") });
        }

        var e = Assert.ThrowsAsync<RpcException>(async () => await KeyValue.BatchPutAsync(request));

        Assert.That(e!.GetErrorCode(), Is.EqualTo(ErrorCode.BatchTooLarge));
        Assert.That(e.Status.Detail, Does.Contain("MaxBatchItems"));
        AssertNotFound("cap-0");
    }

    [Test]
    public void BatchPut_OverTheByteCap_IsRefusedWhole_AndStoresNothing()
    {
        var request = new BatchPutRequest();
        for (var i = 0; i < 3; i++)
        {
            request.Items.Add(new PutRequest { TenantId = TestCluster.Tenant, Key = ByteString.CopyFromUtf8($"bytes-{i}"), Value = Filled(1_000_000, (byte)'b') });
        }

        var e = Assert.ThrowsAsync<RpcException>(async () => await KeyValue.BatchPutAsync(request));

        Assert.That(e!.GetErrorCode(), Is.EqualTo(ErrorCode.BatchTooLarge));
        Assert.That(e.Status.Detail, Does.Contain("MaxBatchBytes"));
        AssertNotFound("bytes-0");
    }

    [Test]
    public async Task BatchGet_OfLargeObjects_IsCutAtTheByteCap_AndTheRestReadInLaterBatches()
    {
        const int Keys = 120;
        var keys = Enumerable.Range(0, Keys).Select(i => ByteString.CopyFromUtf8($"large-{i}")).ToArray();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (k, _) =>
            await KeyValue.PutAsync(new PutRequest { TenantId = TestCluster.Tenant, Key = k, Value = Filled(100_000, (byte)'c') }));

        var pending = keys.ToList();
        var batches = 0;
        var firstReplyBytes = 0;
        var firstCut = 0;
        while (pending.Count > 0 && batches < Keys)
        {
            var request = new BatchGetRequest();
            request.Items.AddRange(pending.Select(k => new GetRequest { TenantId = TestCluster.Tenant, Key = k }));
            var reply = await KeyValue.BatchGetAsync(request);
            var next = new List<ByteString>();
            for (var i = 0; i < reply.Results.Count; i++)
            {
                if (reply.Results[i].ResultCase == GetResult.ResultOneofCase.Ok)
                {
                    Assert.That(reply.Results[i].Ok.Siblings.Single().Value.Length, Is.EqualTo(100_000));
                    continue;
                }

                Assert.That((ErrorCode)reply.Results[i].Error.Code, Is.EqualTo(ErrorCode.BatchTooLarge), reply.Results[i].Error.Message);
                next.Add(pending[i]);
            }

            if (batches++ == 0)
            {
                firstReplyBytes = reply.CalculateSize();
                firstCut = next.Count;
            }

            pending = next;
        }

        TestContext.Progress.WriteLine($"BatchGet of {Keys} x 100 KB: first reply {firstReplyBytes} bytes with {firstCut} items cut; all read in {batches} batches");
        Assert.Multiple(() =>
        {
            Assert.That(pending, Is.Empty, "every key is read by some batch");
            Assert.That(firstCut, Is.GreaterThan(0), "12 MB of objects against a 2 MiB cap: the first reply is cut");
            Assert.That(firstReplyBytes, Is.LessThan(MaxBatchBytes + (40 * 101_000)), "the cap plus the reads in flight");
        });
    }

    private void AssertNotFound(string key)
    {
        var e = Assert.ThrowsAsync<RpcException>(async () =>
            await KeyValue.GetAsync(new GetRequest { TenantId = TestCluster.Tenant, Key = ByteString.CopyFromUtf8(key) }));
        Assert.That(e!.GetErrorCode(), Is.EqualTo(ErrorCode.KeyNotFound), "nothing of a refused batch is stored");
    }

    private static Dictionary<string, string> Limits(string prefix) => new()
    {
        [prefix + "MaxBatchItems"] = Text(MaxBatchItems),
        [prefix + "MaxBatchBytes"] = Text(MaxBatchBytes),
        [prefix + "MaxObjectBytes"] = Text(MaxObjectBytes),
    };

    private static ByteString Filled(int length, byte fill)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, fill);
        return UnsafeByteOperations.UnsafeWrap(bytes);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
