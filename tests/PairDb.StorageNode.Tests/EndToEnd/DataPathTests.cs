using Google.Protobuf;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Versioning;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;
using static PairDb.StorageNode.Tests.Testing.Versions;

namespace PairDb.StorageNode.Tests.EndToEnd;

/// <summary>StorageService round trips against one real node process shared by the fixture (each test uses its own keys).</summary>
[NonParallelizable]
public sealed class DataPathTests
{
    private TestDirectory _directory = null!;
    private StorageNodeProcess _node = null!;

    private StorageService.StorageServiceClient Client => _node.Client;

    [OneTimeSetUp]
    public async Task StartNode()
    {
        _directory = TestDirectory.Create(nameof(DataPathTests));
        _node = await StorageNodeProcess.StartAsync(_directory.Path, new Dictionary<string, string>
        {
            ["PairDb:StorageNode:Validation:MaxValueBytes"] = "65536",
            ["PairDb:StorageNode:Validation:TrustedClients:0"] = "coordinator-1",
        });
    }

    [OneTimeTearDown]
    public async Task StopNode()
    {
        await _node.DisposeAsync();
        _directory.Dispose();
    }

    [Test]
    public async Task CoordinatedWrite_ThenRead_ReturnsValueWithNodeDot()
    {
        var reply = await Client.CoordinatedWriteAsync(Write("t1", "k-write", "v1"));
        var read = await Client.ReadAsync(Read("t1", "k-write"));
        var identity = await Client.IdentifyAsync(new IdentifyRequest());

        var set = Parse(read.Versions);
        Assert.Multiple(() =>
        {
            Assert.That(read.Found, Is.True);
            Assert.That(read.Versions, Is.EqualTo(reply.Versions));
            Assert.That(LiveValues(set), Is.EqualTo(new[] { "v1" }));
            Assert.That(set.Siblings[0].Dot, Is.EqualTo(new Dot(identity.Actor, 1)), "minted under the node's current incarnation");
            Assert.That(identity.Actor, Is.EqualTo($"{StorageNodeProcess.NodeId}@{identity.Incarnation}"));
        });
    }

    [Test]
    public async Task Read_UnknownKey_NotFound()
    {
        var read = await Client.ReadAsync(Read("t1", "never-written"));

        Assert.That(read.Found, Is.False);
    }

    [Test]
    public async Task Delete_WithContext_LeavesOnlyTombstone()
    {
        var written = Parse((await Client.CoordinatedWriteAsync(Write("t1", "k-delete", "v1"))).Versions);

        await Client.CoordinatedWriteAsync(new CoordinatedWriteRequest { TenantId = "t1", Key = Bytes("k-delete"), Tombstone = true, Context = Context(written) });
        var set = Parse((await Client.ReadAsync(Read("t1", "k-delete"))).Versions);

        Assert.Multiple(() =>
        {
            Assert.That(set.Siblings, Has.Count.EqualTo(1));
            Assert.That(set.Siblings[0].IsTombstone, Is.True);
            Assert.That(set.HasLiveSibling(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), Is.False);
        });
    }

    [Test]
    public async Task CoordinatedWrite_ConcurrentFromSameContext_KeepsEverySiblingThenMergedContextResolves()
    {
        var first = Parse((await Client.CoordinatedWriteAsync(Write("t1", "k-siblings", "base"))).Versions);
        var writers = new Task<CoordinatedWriteReply>[16];
        for (var i = 0; i < writers.Length; i++)
        {
            writers[i] = Client.CoordinatedWriteAsync(Write("t1", "k-siblings", "w" + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture), first)).ResponseAsync;
        }

        await Task.WhenAll(writers);
        var conflicted = Parse((await Client.ReadAsync(Read("t1", "k-siblings"))).Versions);
        await Client.CoordinatedWriteAsync(Write("t1", "k-siblings", "resolved", conflicted));
        var resolved = Parse((await Client.ReadAsync(Read("t1", "k-siblings"))).Versions);

        Assert.Multiple(() =>
        {
            Assert.That(LiveValues(conflicted), Has.Length.EqualTo(16), "every concurrent write survives as a sibling; 'base' is replaced by all of them");
            Assert.That(LiveValues(conflicted), Does.Not.Contain("base"));
            Assert.That(LiveValues(resolved), Is.EqualTo(new[] { "resolved" }));
        });
    }

    [Test]
    public async Task CoordinatedWrite_BlindWriteOverExisting_AddsSibling()
    {
        await Client.CoordinatedWriteAsync(Write("t1", "k-blind", "a"));
        await Client.CoordinatedWriteAsync(Write("t1", "k-blind", "b"));

        var set = Parse((await Client.ReadAsync(Read("t1", "k-blind"))).Versions);

        Assert.That(LiveValues(set), Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public async Task ReplicaWrite_SetFromAnotherNode_MergesWithLocalSiblings()
    {
        var local = Parse((await Client.CoordinatedWriteAsync(Write("t1", "k-replica", "local"))).Versions);
        var remote = SiblingSet.Empty.Update(VersionVector.Empty, "other-node", "remote"u8.ToArray());

        await Client.ReplicaWriteAsync(new ReplicaWriteRequest { TenantId = "t1", Key = Bytes("k-replica"), Versions = Serialize(remote) });
        await Client.ReplicaWriteAsync(new ReplicaWriteRequest { TenantId = "t1", Key = Bytes("k-replica"), Versions = Serialize(remote) });
        var merged = Parse((await Client.ReadAsync(Read("t1", "k-replica"))).Versions);

        Assert.Multiple(() =>
        {
            Assert.That(LiveValues(merged), Is.EqualTo(new[] { "local", "remote" }), "concurrent sets merge; a repeated replica write is idempotent");
            Assert.That(merged, Is.EqualTo(SiblingSet.Merge(local, remote)));
        });
    }

    [Test]
    public async Task Repair_NewerSet_ReplacesCoveredSibling()
    {
        var local = Parse((await Client.CoordinatedWriteAsync(Write("t1", "k-repair", "old"))).Versions);
        var newer = local.Update(local.Context, "other-node", "new"u8.ToArray());

        await Client.RepairAsync(new RepairRequest { TenantId = "t1", Key = Bytes("k-repair"), Versions = Serialize(newer) });
        var repaired = Parse((await Client.ReadAsync(Read("t1", "k-repair"))).Versions);

        Assert.That(LiveValues(repaired), Is.EqualTo(new[] { "new" }));
    }

    [Test]
    public async Task CoordinatedWrite_ExpiredTtl_ReadsWithoutTheSibling()
    {
        var past = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeMilliseconds();
        var request = Write("t1", "k-ttl", "gone");
        request.ExpiresAtUnixMs = past;
        await Client.CoordinatedWriteAsync(request);
        var live = Write("t1", "k-ttl-live", "here");
        live.ExpiresAtUnixMs = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();
        await Client.CoordinatedWriteAsync(live);

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var expiredRead = Read("t1", "k-ttl");
        expiredRead.NowUnixMs = now;
        var expired = await Client.ReadAsync(expiredRead);
        var liveRead = Read("t1", "k-ttl-live");
        liveRead.NowUnixMs = now;
        var notExpired = await Client.ReadAsync(liveRead);
        // Without the cluster time the node's own clock judges nothing: the sibling comes back, the reader filters it.
        var untimed = await Client.ReadAsync(Read("t1", "k-ttl"));
        var actor = (await Client.IdentifyAsync(new IdentifyRequest())).Actor;

        Assert.Multiple(() =>
        {
            Assert.That(Parse(expired.Versions).Siblings, Is.Empty);
            Assert.That(LiveValues(Parse(untimed.Versions)), Is.EqualTo(new[] { "gone" }), "kept: only the node's clock would have dropped it; the coordinator filters it");
            Assert.That(Parse(expired.Versions).Context.Get(actor), Is.EqualTo(1UL), "the context still remembers the write");
            Assert.That(LiveValues(Parse(notExpired.Versions)), Is.EqualTo(new[] { "here" }));
        });
    }

    [Test]
    public async Task BatchCoordinatedWrite_OneBadItem_FailsAloneOthersStored()
    {
        var request = new BatchCoordinatedWriteRequest
        {
            Items =
            {
                Write("t1", "k-batch-1", "a"),
                Write("bad tenant!", "k-batch-2", "b"),
                Write("t1", "k-batch-3", "c"),
                Write("t1", "k-batch-1", "a2"),
            },
        };

        var reply = await Client.BatchCoordinatedWriteAsync(request);
        var reads = await Client.BatchReadAsync(new BatchReadRequest { Items = { Read("t1", "k-batch-1"), Read("t1", "k-batch-3"), Read("t1", "k-batch-2") } });

        Assert.Multiple(() =>
        {
            Assert.That(reply.Results[0].ResultCase, Is.EqualTo(CoordinatedWriteResult.ResultOneofCase.Ok));
            Assert.That(reply.Results[1].Error.Code, Is.EqualTo((uint)ErrorCode.InvalidTenantId));
            Assert.That(reply.Results[2].ResultCase, Is.EqualTo(CoordinatedWriteResult.ResultOneofCase.Ok));
            Assert.That(LiveValues(Parse(reply.Results[3].Ok.Versions)), Is.EqualTo(new[] { "a", "a2" }), "a later item of one key sees the earlier one");
            Assert.That(LiveValues(Parse(reads.Results[0].Ok.Versions)), Is.EqualTo(new[] { "a", "a2" }));
            Assert.That(LiveValues(Parse(reads.Results[1].Ok.Versions)), Is.EqualTo(new[] { "c" }));
            Assert.That(reads.Results[2].Ok.Found, Is.False);
        });
    }

    [Test]
    public async Task BatchReplicaWrite_MalformedItem_FailsAloneWithVectorClockCode()
    {
        var remote = SiblingSet.Empty.Update(VersionVector.Empty, "other-node", "r"u8.ToArray());
        var reply = await Client.BatchReplicaWriteAsync(new BatchReplicaWriteRequest
        {
            Items =
            {
                new ReplicaWriteRequest { TenantId = "t1", Key = Bytes("k-brw-1"), Versions = Serialize(remote) },
                new ReplicaWriteRequest { TenantId = "t1", Key = Bytes("k-brw-2"), Versions = ByteString.CopyFrom(9, 9, 9) },
            },
        });

        Assert.Multiple(() =>
        {
            Assert.That(reply.Results[0].ResultCase, Is.EqualTo(ReplicaWriteResult.ResultOneofCase.Ok));
            Assert.That(reply.Results[1].Error.Code, Is.EqualTo((uint)ErrorCode.InvalidVectorClock));
        });
    }

    [Test]
    public async Task RangeDigest_TwoHalves_SumToWholeRing()
    {
        await Client.CoordinatedWriteAsync(Write("t-digest", "a", "1"));
        await Client.CoordinatedWriteAsync(Write("t-digest", "b", "2"));
        const ulong Half = 1UL << 63;

        var whole = await Client.RangeDigestAsync(new RangeDigestRequest { StartToken = 5, EndToken = 5 });
        var low = await Client.RangeDigestAsync(new RangeDigestRequest { StartToken = 0, EndToken = Half });
        var high = await Client.RangeDigestAsync(new RangeDigestRequest { StartToken = Half, EndToken = 0 });

        Assert.Multiple(() =>
        {
            Assert.That(whole.KeyCount, Is.GreaterThanOrEqualTo(2UL));
            Assert.That(low.KeyCount + high.KeyCount, Is.EqualTo(whole.KeyCount));
            Assert.That(unchecked(low.Digest + high.Digest), Is.EqualTo(whole.Digest));
        });
    }
}
