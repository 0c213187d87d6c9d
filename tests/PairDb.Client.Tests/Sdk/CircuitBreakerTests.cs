using PairDb.Client.Tests.Sdk.Fakes;
using PairDb.Contracts.Errors;

namespace PairDb.Client.Tests.Sdk;

public sealed class CircuitBreakerTests : FakeServerFixture
{
    private PairDbClientOptions BreakerOptions(int maxAttempts, int minimumThroughput)
    {
        var options = Server.ClientOptions(maxAttempts, circuitBreaker: true);
        options.CircuitBreaker.MinimumThroughput = minimumThroughput;
        options.CircuitBreaker.FailureRatio = 0.5;
        options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
        return options;
    }

    [Test]
    public void PutAsync_RepeatedServerErrors_CircuitOpensAndServerIsNoLongerCalled()
    {
        Behavior.FailAlways(ErrorCode.Internal);
        using var client = new PairDbClient(BreakerOptions(maxAttempts: 1, minimumThroughput: 4));

        for (var i = 0; i < 4; i++)
        {
            var failure = Assert.ThrowsAsync<PairDbClientException>(() => client.PutAsync("t1", "k1", "v1"));
            Assert.That(failure, Is.Not.InstanceOf<PairDbCircuitOpenException>(), $"call {i + 1} reached the server");
        }

        var open = Assert.ThrowsAsync<PairDbCircuitOpenException>(() => client.PutAsync("t1", "k1", "v1"));

        Assert.That(Behavior.Calls("Put"), Is.EqualTo(4), "server calls");
        Assert.That(open!.Code, Is.EqualTo(ErrorCode.NodeNotReady));
        Assert.That(open.Message, Does.Contain("NODE_NOT_READY (2001)").And.Contain("circuit breaker is open"));
    }

    [Test]
    public void PutAsync_CircuitOpensDuringRetries_StopsRetrying()
    {
        Behavior.FailAlways(ErrorCode.QuorumNotMet);
        using var client = new PairDbClient(BreakerOptions(maxAttempts: 3, minimumThroughput: 2));

        Assert.ThrowsAsync<PairDbCircuitOpenException>(() => client.PutAsync("t1", "k1", "v1"));

        Assert.That(Behavior.Calls("Put"), Is.EqualTo(2), "server calls before the circuit opened");
    }

    [Test]
    public void PutAsync_ClientErrors_NeverOpenCircuit()
    {
        Behavior.FailAlways(ErrorCode.InvalidTenantId);
        using var client = new PairDbClient(BreakerOptions(maxAttempts: 1, minimumThroughput: 2));

        for (var i = 0; i < 6; i++)
        {
            var error = Assert.ThrowsAsync<PairDbClientException>(() => client.PutAsync("t1", "k1", "v1"));
            Assert.That(error!.Code, Is.EqualTo(ErrorCode.InvalidTenantId), $"call {i + 1}");
        }

        Assert.That(Behavior.Calls("Put"), Is.EqualTo(6), "server calls");
    }

    [Test]
    public async Task GetAsync_KeyNotFound_NeverOpensCircuit()
    {
        using var client = new PairDbClient(BreakerOptions(maxAttempts: 1, minimumThroughput: 2));

        for (var i = 0; i < 5; i++)
        {
            var result = await client.GetAsync("t1", "missing");
            Assert.That(result.Found, Is.False, $"read {i + 1}");
        }

        Assert.That(Behavior.Calls("Get"), Is.EqualTo(5), "server calls");
    }
}
