using Google.Protobuf;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Versioning;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;
using static PairDb.StorageNode.Tests.Testing.Versions;

namespace PairDb.StorageNode.Tests.EndToEnd;

/// <summary>
/// Client contexts the cluster cannot have issued, over the wire to a real node: refused with
/// INVALID_VECTOR_CLOCK, alone within a batch, storing nothing, never INTERNAL.
/// </summary>
[NonParallelizable]
public sealed class HostileContextTests
{
    private TestDirectory _directory = null!;
    private StorageNodeProcess _node = null!;
    private string _actor = null!;

    [OneTimeSetUp]
    public async Task StartNode()
    {
        _directory = TestDirectory.Create(nameof(HostileContextTests));
        _node = await StorageNodeProcess.StartAsync(_directory.Path, new Dictionary<string, string>
        {
            ["PairDb:StorageNode:Validation:TrustedClients:0"] = "coordinator-1",
        });
        _actor = (await _node.Client.IdentifyAsync(new IdentifyRequest())).Actor;
    }

    [OneTimeTearDown]
    public async Task StopNode()
    {
        await _node.DisposeAsync();
        _directory.Dispose();
    }

    private static ByteString ContextOf(params Dot[] entries) => ByteString.CopyFrom(VersionVectorFormat.ToArray(VersionVector.From(entries)));

    private async Task<SiblingSet> WriteAsync(string key, string value, SiblingSet? context = null) =>
        Parse((await _node.Client.CoordinatedWriteAsync(Write("t1", key, value, context))).Versions);

    private static CoordinatedWriteRequest WriteWith(string key, ByteString context, string value = "evil") =>
        new() { TenantId = "t1", Key = Bytes(key), Value = Bytes(value), Context = context };

    [Test]
    public async Task CoordinatedWrite_OwnActorCounterAboveStored_InvalidVectorClockNothingStored()
    {
        var stored = await WriteAsync("k-own", "v1");
        var before = await _node.Client.RangeDigestAsync(new RangeDigestRequest());

        var write = Assert.ThrowsAsync<RpcException>(async () =>
            await _node.Client.CoordinatedWriteAsync(WriteWith("k-own", ContextOf(new Dot(_actor, stored.Context.Get(_actor) + 1)))));
        var delete = Assert.ThrowsAsync<RpcException>(async () =>
            await _node.Client.CoordinatedWriteAsync(new CoordinatedWriteRequest { TenantId = "t1", Key = Bytes("k-own"), Tombstone = true, Context = ContextOf(new Dot(_actor, 1000)) }));
        var after = await _node.Client.RangeDigestAsync(new RangeDigestRequest());

        Assert.Multiple(() =>
        {
            Assert.That(write!.GetErrorCode(), Is.EqualTo(ErrorCode.InvalidVectorClock));
            Assert.That(write.Status.Detail, Does.Contain(_actor).And.Contain("counter 2 "));
            Assert.That(delete!.GetErrorCode(), Is.EqualTo(ErrorCode.InvalidVectorClock));
            Assert.That(after, Is.EqualTo(before), "a refused write changes nothing stored");
        });
    }

    [TestCase(ulong.MaxValue, TestName = "CoordinatedWrite_Counter2Pow64Minus1_InvalidVectorClock")]
    [TestCase(ulong.MaxValue - 1, TestName = "CoordinatedWrite_Counter2Pow64Minus2_InvalidVectorClock")]
    public async Task CoordinatedWrite_CounterOverTheBound_InvalidVectorClockAndKeyStaysWritable(ulong counter)
    {
        var key = "k-bound-" + counter;
        var stored = await WriteAsync(key, "v1");

        // Trusted: the cheap checks only, so the node's own parse is what refuses it.
        var error = Assert.ThrowsAsync<RpcException>(async () =>
            await _node.Client.CoordinatedWriteAsync(WriteWith(key, ContextOf(new Dot(_actor, counter), new Dot("other@x", counter))), StorageNodeProcess.ClientHeader("coordinator-1")));
        var next = await WriteAsync(key, "v2", stored);

        Assert.Multiple(() =>
        {
            Assert.That(error!.GetErrorCode(), Is.EqualTo(ErrorCode.InvalidVectorClock));
            Assert.That(LiveValues(next), Is.EqualTo(new[] { "v2" }));
            Assert.That(next.Siblings.Single().Dot, Is.EqualTo(new Dot(_actor, 2)));
        });
    }

    [Test]
    public async Task BatchCoordinatedWrite_OneHostileItem_FailsAloneOthersWritten()
    {
        var victim = await WriteAsync("k-victim", "v1");
        var request = new BatchCoordinatedWriteRequest
        {
            Items =
            {
                Write("t1", "k-batch-1", "a"),
                WriteWith("k-victim", ContextOf(new Dot(_actor, victim.Context.Get(_actor) + 1000))),
                Write("t1", "k-batch-2", "b"),
                WriteWith("k-batch-hostile", ContextOf(new Dot(_actor, 1))),
                Write("t1", "k-victim", "resolved", victim),
            },
        };

        var reply = await _node.Client.BatchCoordinatedWriteAsync(request, StorageNodeProcess.ClientHeader("coordinator-1"));
        var hostileRead = await _node.Client.ReadAsync(Read("t1", "k-batch-hostile"));
        var victimRead = await _node.Client.ReadAsync(Read("t1", "k-victim"));

        Assert.Multiple(() =>
        {
            Assert.That(reply.Results.Select(r => r.ResultCase), Is.EqualTo(new[]
            {
                CoordinatedWriteResult.ResultOneofCase.Ok, CoordinatedWriteResult.ResultOneofCase.Error, CoordinatedWriteResult.ResultOneofCase.Ok,
                CoordinatedWriteResult.ResultOneofCase.Error, CoordinatedWriteResult.ResultOneofCase.Ok,
            }));
            Assert.That(reply.Results[1].Error.Code, Is.EqualTo((uint)ErrorCode.InvalidVectorClock));
            Assert.That(reply.Results[3].Error.Code, Is.EqualTo((uint)ErrorCode.InvalidVectorClock));
            Assert.That(hostileRead.Found, Is.False, "nothing stored for the hostile item");
            Assert.That(LiveValues(Parse(victimRead.Versions)), Is.EqualTo(new[] { "resolved" }));
        });
    }
}
