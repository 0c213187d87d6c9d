using Microsoft.Extensions.Time.Testing;
using PairDb.Contracts.Errors;
using PairDb.Coordinator.Api.Admission;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Telemetry;
using PairDb.Coordinator.Tests.Support;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace PairDb.Coordinator.Tests.Api;

/// <summary>The coordinator-wide admission: requests (batch items) and bytes in flight, and requests already past their deadline.</summary>
public sealed class InFlightLimiterTests
{
    private const int MaxRequests = 4;
    private const long MaxBytes = 1024 * 1024;

    [Test]
    public void Enter_PastTheRequestLimit_RefusedWithOverloadedUntilAPermitIsReturned()
    {
        using var harness = new Harness();
        using var refused = harness.Counter(OverloadMetrics.RequestsOverloadedTotal);
        var held = Enumerable.Range(0, MaxRequests).Select(_ => harness.Enter(items: 1)).ToList();

        var error = Assert.Throws<PairDbException>(() => harness.Enter(items: 1))!;

        Assert.That(error.Code, Is.EqualTo(ErrorCode.Overloaded));
        Assert.That(refused.Total, Is.EqualTo(1));
        held[0].Dispose();
        Assert.DoesNotThrow(() => harness.Enter(items: 1));
    }

    [Test]
    public void Enter_BatchItems_EachCountsAsARequest()
    {
        using var harness = new Harness();
        using var refused = harness.Counter(OverloadMetrics.RequestsOverloadedTotal);
        using var three = harness.Enter(items: 3);

        Assert.Throws<PairDbException>(() => harness.Enter(items: 2));

        Assert.That(refused.Total, Is.EqualTo(2), "a refused batch counts its items");
        Assert.DoesNotThrow(() => harness.Enter(items: 1));
    }

    [Test]
    public void Enter_PastTheByteLimit_RefusedButARequestOverTheLimitIsServedAlone()
    {
        using var harness = new Harness();
        using (harness.Enter(items: 1, bytes: MaxBytes - 10))
        {
            Assert.That(Assert.Throws<PairDbException>(() => harness.Enter(items: 1, bytes: 11))!.Code, Is.EqualTo(ErrorCode.Overloaded));
        }

        using var alone = harness.Enter(items: 1, bytes: 3 * MaxBytes);

        Assert.Throws<PairDbException>(() => harness.Enter(items: 1, bytes: 1));
    }

    [Test]
    public void Enter_DeadlineAlreadyPassed_NotStartedTimeoutAndCounted()
    {
        using var harness = new Harness();
        using var expired = harness.Counter(OverloadMetrics.RequestsExpiredTotal);

        var error = Assert.Throws<PairDbException>(() => harness.Limiter.Enter("put", harness.Time.GetUtcNow().UtcDateTime, CancellationToken.None, 1, 1))!;

        Assert.That(error.Code, Is.EqualTo(ErrorCode.Timeout));
        Assert.That(expired.Total, Is.EqualTo(1));
        Assert.DoesNotThrow(() => harness.Enter(items: MaxRequests).Dispose(), "an expired request holds no permit");
    }

    private sealed class Harness : IDisposable
    {
        private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

        public Harness()
        {
            Limiter = new InFlightLimiter(
                MsOptions.Create(new AdmissionOptions { MaxInFlightRequests = MaxRequests, MaxInFlightBytes = MaxBytes }),
                new OverloadMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), Time);
        }

        public FakeTimeProvider Time { get; } = new();

        public InFlightLimiter Limiter { get; }

        public InFlightLimiter.Permit Enter(int items, long bytes = 100) =>
            Limiter.Enter("put", DateTime.MaxValue, CancellationToken.None, items, bytes);

        public CounterRecorder Counter(string name) => new(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), name);

        public void Dispose() => _services.Dispose();
    }
}
