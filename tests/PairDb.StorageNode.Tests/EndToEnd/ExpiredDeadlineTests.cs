using Google.Protobuf;
using Grpc.Core;
using PairDb.Contracts.Grpc;
using PairDb.StorageNode.Tests.Testing;
using PairDb.Testing;

namespace PairDb.StorageNode.Tests.EndToEnd;

/// <summary>
/// A write whose caller's deadline has passed by the time the node reads it is not started: it is answered
/// DeadlineExceeded and nothing is applied. (Without the check the handler runs, and whether the deadline
/// timer cancels it before the write takes its key lock is a race.)
/// </summary>
[NonParallelizable]
public sealed class ExpiredDeadlineTests
{
    private TestDirectory _directory = null!;
    private StorageNodeProcess _node = null!;

    [OneTimeSetUp]
    public async Task StartNode()
    {
        _directory = TestDirectory.Create(nameof(ExpiredDeadlineTests));
        _node = await StorageNodeProcess.StartAsync(_directory.Path);
    }

    [OneTimeTearDown]
    public async Task StopNode()
    {
        await _node.DisposeAsync();
        _directory.Dispose();
    }

    [TestCase("pairdb.StorageService/CoordinatedWrite")]
    [TestCase("pairdb.StorageService/BatchCoordinatedWrite")]
    public async Task Write_DeadlinePassedOnArrival_DeadlineExceededAndNothingApplied(string method)
    {
        var key = "late-" + method[(method.LastIndexOf('/') + 1)..];
        var write = new CoordinatedWriteRequest { TenantId = "t1", Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8("v") };
        var message = method.EndsWith("/BatchCoordinatedWrite", StringComparison.Ordinal)
            ? new BatchCoordinatedWriteRequest { Items = { write } }.ToByteArray()
            : write.ToByteArray();

        var status = await RawUnaryCall.SendAsync(_node.GrpcPort, method, message, new Dictionary<string, string> { ["grpc-timeout"] = "1u" });

        Assert.That((StatusCode)status, Is.EqualTo(StatusCode.DeadlineExceeded));
        var read = await _node.Client.ReadAsync(new ReadRequest { TenantId = "t1", Key = ByteString.CopyFromUtf8(key) });
        Assert.That(read.Found, Is.False, "nothing was applied");
    }
}
