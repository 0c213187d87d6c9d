using Polly.Retry;
using Polly.Telemetry;
using PairDb.Client.Tests.Sdk.Fakes;
using PairDb.Contracts.Errors;

namespace PairDb.Client.Tests.Sdk;

public sealed class OptionsTests : FakeServerFixture
{
    [Test]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new PairDbClientOptions();

        Assert.That(options.Endpoint, Is.EqualTo(new Uri("http://127.0.0.1:8080")));
        Assert.That(options.DefaultConsistency, Is.EqualTo(ConsistencyLevel.Quorum));
        Assert.That(options.AttemptTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(options.Retry.MaxAttempts, Is.EqualTo(3));
        Assert.That(options.Retry.BaseDelay, Is.EqualTo(TimeSpan.FromMilliseconds(100)));
        Assert.That(options.Retry.MaxDelay, Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(options.Retry.UseJitter, Is.True);
        Assert.That(options.CircuitBreaker.Enabled, Is.True);
        Assert.That(options.CircuitBreaker.FailureRatio, Is.EqualTo(0.5));
        Assert.That(options.CircuitBreaker.MinimumThroughput, Is.EqualTo(10));
        Assert.That(options.CircuitBreaker.BreakDuration, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(options.ResilienceTelemetry, Is.Null, "Polly telemetry is off by default");
        Assert.That(options.SiblingResolver, Is.Null);
    }

    [Test]
    public void Constructor_BadSetting_ThrowsNamingIt()
    {
        Assert.That(() => new PairDbClient(new PairDbClientOptions { Retry = new PairDbRetryOptions { MaxAttempts = 0 } }),
            Throws.ArgumentException.With.Message.Contains("Retry.MaxAttempts"));
        Assert.That(() => new PairDbClient(new PairDbClientOptions { CircuitBreaker = new PairDbCircuitBreakerOptions { FailureRatio = 0 } }),
            Throws.ArgumentException.With.Message.Contains("CircuitBreaker.FailureRatio"));
        Assert.That(() => new PairDbClient(new PairDbClientOptions { Endpoint = new Uri("ftp://127.0.0.1") }),
            Throws.ArgumentException.With.Message.Contains("Endpoint"));
        Assert.That(() => new PairDbClient(new PairDbClientOptions { AttemptTimeout = TimeSpan.Zero }),
            Throws.ArgumentException.With.Message.Contains("AttemptTimeout"));
    }

    [Test]
    public void PutAsync_WithoutJitter_DelaysDoubleUpToMaxDelay()
    {
        Behavior.FailAlways(ErrorCode.DiskThrottled);
        var listener = new RetryDelays();
        var options = Server.ClientOptions(maxAttempts: 4);
        options.Retry = new PairDbRetryOptions { MaxAttempts = 4, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(25), UseJitter = false };
        options.ResilienceTelemetry = listener;
        using var client = new PairDbClient(options);

        Assert.ThrowsAsync<PairDbClientException>(() => client.PutAsync("t1", "k1", "v1"));

        Assert.That(listener.Delays, Is.EqualTo(new[] { TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(25) }));
        Assert.That(Behavior.Calls("Put"), Is.EqualTo(4), "server calls");
    }

    [Test]
    public void PutAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var client = new PairDbClient(Server.ClientOptions());
        client.Dispose();

        Assert.That(() => client.PutAsync("t1", "k1", "v1"), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void PutAsync_CancelledToken_ThrowsOperationCanceledWithoutRetry()
    {
        Behavior.Hang = true;
        using var client = new PairDbClient(Server.ClientOptions());
        using var cancel = new CancellationTokenSource();
        var put = client.PutAsync("t1", "k1", "v1", cancellationToken: cancel.Token);
        cancel.Cancel();

        Assert.That(async () => await put, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(Behavior.Calls("Put"), Is.LessThanOrEqualTo(1), "a cancelled call is not retried");
    }

    /// <summary>Records the delay of every retry Polly reports.</summary>
    private sealed class RetryDelays : TelemetryListener
    {
        public List<TimeSpan> Delays { get; } = [];

        public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args)
        {
            if (args.Arguments is OnRetryArguments<object> retry)
            {
                lock (Delays)
                {
                    Delays.Add(retry.RetryDelay);
                }
            }
        }
    }
}
