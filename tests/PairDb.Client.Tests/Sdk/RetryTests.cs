using Grpc.Core;
using PairDb.Client.Tests.Sdk.Fakes;
using PairDb.Contracts.Errors;

namespace PairDb.Client.Tests.Sdk;

public sealed class RetryTests : FakeServerFixture
{
    [TestCase(ErrorCode.NodeNotReady)]
    [TestCase(ErrorCode.DiskThrottled)]
    [TestCase(ErrorCode.QuorumNotMet)]
    [TestCase(ErrorCode.Timeout)]
    public void PutAsync_RetriableCode_RetriedUpToMaxAttemptsThenTypedException(ErrorCode code)
    {
        Behavior.FailAlways(code);
        using var client = new PairDbClient(Server.ClientOptions(maxAttempts: 3));

        var error = Assert.ThrowsAsync<PairDbClientException>(() => client.PutAsync("t1", "k1", "v1"));

        Assert.That(Behavior.Calls("Put"), Is.EqualTo(3), "server calls");
        Assert.That(error!.Code, Is.EqualTo(code));
        Assert.That(error.Attempts, Is.EqualTo(3));
        Assert.That(error.Retriable, Is.True);
        Assert.That(error.Message, Does.StartWith($"{ErrorCodes.NameOf(code)} ({(int)code})"));
    }

    [TestCase(ErrorCode.InvalidArgument)]
    [TestCase(ErrorCode.KeyTooLarge)]
    [TestCase(ErrorCode.ValueTooLarge)]
    [TestCase(ErrorCode.InvalidTenantId)]
    [TestCase(ErrorCode.InvalidVectorClock)]
    [TestCase(ErrorCode.ChecksumFailed)]
    [TestCase(ErrorCode.TooManySiblings)]
    [TestCase(ErrorCode.ObjectTooLarge)]
    [TestCase(ErrorCode.Internal)]
    [TestCase(ErrorCode.DiskFull)]
    public void PutAsync_NonRetriableCode_ThrowsAfterOneCall(ErrorCode code)
    {
        Behavior.FailAlways(code);
        using var client = new PairDbClient(Server.ClientOptions(maxAttempts: 3));

        var error = Assert.ThrowsAsync<PairDbClientException>(() => client.PutAsync("t1", "k1", "v1"));

        Assert.That(Behavior.Calls("Put"), Is.EqualTo(1), "server calls");
        Assert.That(error!.Code, Is.EqualTo(code));
        Assert.That(error.Attempts, Is.EqualTo(1));
        Assert.That(error.StatusCode, Is.EqualTo(ErrorCodes.Get(code).StatusCode));
        Assert.That(error.Message, Does.Contain(ErrorCodes.NameOf(code)).And.Contain(((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void PutAsync_BareUnavailable_RetriedAsNodeNotReady()
    {
        Behavior.FailAlways(StatusCode.Unavailable);
        using var client = new PairDbClient(Server.ClientOptions(maxAttempts: 3));

        var error = Assert.ThrowsAsync<PairDbClientException>(() => client.PutAsync("t1", "k1", "v1"));

        Assert.That(Behavior.Calls("Put"), Is.EqualTo(3), "server calls");
        Assert.That(error!.Code, Is.EqualTo(ErrorCode.NodeNotReady));
        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.Unavailable));
    }

    [Test]
    public void PutAsync_BareInternal_NotRetried()
    {
        Behavior.FailAlways(StatusCode.Internal);
        using var client = new PairDbClient(Server.ClientOptions(maxAttempts: 3));

        var error = Assert.ThrowsAsync<PairDbClientException>(() => client.PutAsync("t1", "k1", "v1"));

        Assert.That(Behavior.Calls("Put"), Is.EqualTo(1), "server calls");
        Assert.That(error!.Code, Is.EqualTo(ErrorCode.Internal));
    }

    [Test]
    public async Task PutAsync_TwoTransientFailures_SucceedsOnThirdCall()
    {
        Behavior.FailNext(1, ErrorCode.DiskThrottled);
        Behavior.FailNext(1, ErrorCode.QuorumNotMet);
        using var client = new PairDbClient(Server.ClientOptions(maxAttempts: 3));

        var result = await client.PutAsync("t1", "k1", "v1");

        Assert.That(Behavior.Calls("Put"), Is.EqualTo(3), "server calls");
        Assert.That(result.Context.ToArray(), Is.EqualTo(FakeKeyValueBehavior.PutContext.ToByteArray()));
    }

    [Test]
    public async Task DeleteAsync_Timeout_RetriedThenSucceeds()
    {
        Behavior.FailNext(2, ErrorCode.Timeout);
        using var client = new PairDbClient(Server.ClientOptions(maxAttempts: 3));

        var result = await client.DeleteAsync("t1", "k1");

        Assert.That(Behavior.Calls("Delete"), Is.EqualTo(3), "server calls");
        Assert.That(result.Context.ToArray(), Is.EqualTo(FakeKeyValueBehavior.DeleteContext.ToByteArray()));
    }

    [Test]
    public async Task GetAsync_KeyNotFound_NotFoundResultAfterOneCall()
    {
        using var client = new PairDbClient(Server.ClientOptions(maxAttempts: 3));

        var result = await client.GetAsync("t1", "missing");

        Assert.That(Behavior.Calls("Get"), Is.EqualTo(1), "server calls");
        Assert.That(result.Found, Is.False);
        Assert.That(result.Siblings, Is.Empty);
    }

    [Test]
    public void GetAsync_ServerSlowerThanAttemptTimeout_TimeoutAfterMaxAttempts()
    {
        Behavior.Hang = true;
        var options = Server.ClientOptions(maxAttempts: 2);
        options.AttemptTimeout = TimeSpan.FromMilliseconds(200);
        using var client = new PairDbClient(options);

        var error = Assert.ThrowsAsync<PairDbClientException>(() => client.GetAsync("t1", "k1"));

        Assert.That(error!.Code, Is.EqualTo(ErrorCode.Timeout));
        Assert.That(error.StatusCode, Is.EqualTo(StatusCode.DeadlineExceeded));
        Assert.That(error.Attempts, Is.EqualTo(2));
    }

    [Test]
    public void PutAsync_MaxAttemptsOne_NeverRetries()
    {
        Behavior.FailAlways(ErrorCode.QuorumNotMet);
        using var client = new PairDbClient(Server.ClientOptions(maxAttempts: 1));

        var error = Assert.ThrowsAsync<PairDbClientException>(() => client.PutAsync("t1", "k1", "v1"));

        Assert.That(Behavior.Calls("Put"), Is.EqualTo(1), "server calls");
        Assert.That(error!.Code, Is.EqualTo(ErrorCode.QuorumNotMet));
    }

    [Test]
    public async Task BatchPutAsync_WholeRpcRetriable_RetriedAndItemErrorsTyped()
    {
        Behavior.FailNext(1, ErrorCode.NodeNotReady);
        using var client = new PairDbClient(Server.ClientOptions(maxAttempts: 3));

        var results = await client.BatchPutAsync(
        [
            new PutItem("t1", "k1"u8.ToArray(), "v1"u8.ToArray()),
            new PutItem("t1", "k2"u8.ToArray(), ReadOnlyMemory<byte>.Empty),
        ]);

        Assert.That(Behavior.Calls("BatchPut"), Is.EqualTo(2), "server calls");
        Assert.That(results, Has.Count.EqualTo(2));
        Assert.That(results[0].Succeeded, Is.True);
        Assert.That(results[0].Value.Context.ToArray(), Is.EqualTo(FakeKeyValueBehavior.PutContext.ToByteArray()));
        Assert.That(results[1].Succeeded, Is.False);
        Assert.That(results[1].Error!.Code, Is.EqualTo(ErrorCode.InvalidArgument));
        Assert.That(() => results[1].Value, Throws.TypeOf<PairDbClientException>());
    }
}
