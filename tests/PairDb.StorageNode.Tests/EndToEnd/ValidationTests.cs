using Google.Protobuf;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;
using static PairDb.StorageNode.Tests.Testing.Versions;

namespace PairDb.StorageNode.Tests.EndToEnd;

/// <summary>Every validation error code over the wire, and that a rejected request stores nothing.</summary>
[NonParallelizable]
public sealed class ValidationTests
{
    private const int MaxValueBytes = 4096;
    private TestDirectory _directory = null!;
    private StorageNodeProcess _node = null!;

    [OneTimeSetUp]
    public async Task StartNode()
    {
        _directory = TestDirectory.Create(nameof(ValidationTests));
        _node = await StorageNodeProcess.StartAsync(_directory.Path, new Dictionary<string, string>
        {
            ["PairDb:StorageNode:Validation:MaxValueBytes"] = MaxValueBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PairDb:StorageNode:Validation:TrustedClients:0"] = "coordinator-1",
        });
    }

    [OneTimeTearDown]
    public async Task StopNode()
    {
        await _node.DisposeAsync();
        _directory.Dispose();
    }

    public static IEnumerable<TestCaseData> BadWrites()
    {
        yield return new TestCaseData("t1", new byte[] { (byte)'k', 0, (byte)'x' }, 10, ByteString.Empty, ErrorCode.InvalidArgument).SetName("CoordinatedWrite_NulInKey_InvalidArgument1000");
        yield return new TestCaseData("t1", Array.Empty<byte>(), 10, ByteString.Empty, ErrorCode.InvalidArgument).SetName("CoordinatedWrite_EmptyKey_InvalidArgument1000");
        yield return new TestCaseData("t1", new byte[1025], 10, ByteString.Empty, ErrorCode.KeyTooLarge).SetName("CoordinatedWrite_Key1025Bytes_KeyTooLarge1002");
        yield return new TestCaseData("t1", "k-big"u8.ToArray(), MaxValueBytes + 1, ByteString.Empty, ErrorCode.ValueTooLarge).SetName("CoordinatedWrite_ValueOverLimit_ValueTooLarge1003");
        yield return new TestCaseData("bad tenant", "k"u8.ToArray(), 10, ByteString.Empty, ErrorCode.InvalidTenantId).SetName("CoordinatedWrite_TenantWithSpace_InvalidTenantId1004");
        yield return new TestCaseData("", "k"u8.ToArray(), 10, ByteString.Empty, ErrorCode.InvalidTenantId).SetName("CoordinatedWrite_EmptyTenant_InvalidTenantId1004");
        yield return new TestCaseData("t1", "k-ctx"u8.ToArray(), 10, ByteString.CopyFrom(1, 5, 200), ErrorCode.InvalidVectorClock).SetName("CoordinatedWrite_MalformedContext_InvalidVectorClock1005");
    }

    [TestCaseSource(nameof(BadWrites))]
    public async Task CoordinatedWrite_BadInput_RejectedWithCodeAndNothingStored(string tenant, byte[] key, int valueLength, ByteString context, ErrorCode expected)
    {
        var request = new CoordinatedWriteRequest
        {
            TenantId = tenant,
            Key = ByteString.CopyFrom(key),
            Value = ByteString.CopyFrom(new byte[valueLength]),
            Context = context,
        };

        var before = await _node.Client.RangeDigestAsync(new RangeDigestRequest());

        var error = Assert.ThrowsAsync<RpcException>(async () => await _node.Client.CoordinatedWriteAsync(request));
        var after = await _node.Client.RangeDigestAsync(new RangeDigestRequest());

        Assert.Multiple(() =>
        {
            Assert.That(error!.GetErrorCode(), Is.EqualTo(expected));
            Assert.That(error.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
            Assert.That(after, Is.EqualTo(before), "a rejected write changes nothing stored");
        });
    }

    [Test]
    public void ReplicaWrite_MalformedVersions_InvalidVectorClock1005()
    {
        var request = new ReplicaWriteRequest { TenantId = "t1", Key = Bytes("k"), Versions = ByteString.CopyFrom(1, 1) };

        var error = Assert.ThrowsAsync<RpcException>(async () => await _node.Client.ReplicaWriteAsync(request));

        Assert.That(error!.GetErrorCode(), Is.EqualTo(ErrorCode.InvalidVectorClock));
    }

    [Test]
    public void Read_KeyTooLarge_KeyTooLarge1002()
    {
        var error = Assert.ThrowsAsync<RpcException>(async () =>
            await _node.Client.ReadAsync(new ReadRequest { TenantId = "t1", Key = ByteString.CopyFrom(new byte[2000]) }));

        Assert.That(error!.GetErrorCode(), Is.EqualTo(ErrorCode.KeyTooLarge));
    }

    [Test]
    public async Task CoordinatedWrite_TrustedClientControlByteInKey_SkipsCostlyCheck()
    {
        var request = new CoordinatedWriteRequest { TenantId = "t-trusted", Key = ByteString.CopyFrom((byte)'k', 1), Value = Bytes("v") };

        await _node.Client.CoordinatedWriteAsync(request, StorageNodeProcess.ClientHeader("coordinator-1"));
        var untrusted = Assert.ThrowsAsync<RpcException>(async () =>
            await _node.Client.CoordinatedWriteAsync(request, StorageNodeProcess.ClientHeader("someone-else")));
        var read = await _node.Client.ReadAsync(new ReadRequest { TenantId = "t-trusted", Key = request.Key }, StorageNodeProcess.ClientHeader("coordinator-1"));
        await _node.Client.CoordinatedWriteAsync(new CoordinatedWriteRequest { TenantId = "t-trusted", Key = request.Key, Tombstone = true, Context = Context(Parse(read.Versions)) }, StorageNodeProcess.ClientHeader("coordinator-1"));

        Assert.Multiple(() =>
        {
            Assert.That(read.Found, Is.True);
            Assert.That(untrusted!.GetErrorCode(), Is.EqualTo(ErrorCode.InvalidArgument));
        });
    }

    [Test]
    public void CoordinatedWrite_TrustedClientValueOverLimit_StillValueTooLarge1003()
    {
        var request = new CoordinatedWriteRequest { TenantId = "t1", Key = Bytes("k-trusted-big"), Value = ByteString.CopyFrom(new byte[MaxValueBytes + 1]) };

        var error = Assert.ThrowsAsync<RpcException>(async () =>
            await _node.Client.CoordinatedWriteAsync(request, StorageNodeProcess.ClientHeader("coordinator-1")));

        Assert.That(error!.GetErrorCode(), Is.EqualTo(ErrorCode.ValueTooLarge));
    }

    [Test]
    public async Task Metrics_AfterRejections_CountValidationAndErrorsByCode()
    {
        Assert.ThrowsAsync<RpcException>(async () => await _node.Client.CoordinatedWriteAsync(Write("bad tenant", "k", "v")));

        var text = await _node.Http.GetStringAsync("/metrics");

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Match("validation_rejections_total\\{[^}]*error_code=\"1004\"[^}]*\\} [1-9]"));
            Assert.That(text, Does.Match("errors_total\\{[^}]*error_code=\"1004\"[^}]*\\} [1-9]"));
            Assert.That(text, Does.Contain("validation_duration_seconds_bucket{"));
        });
    }
}
