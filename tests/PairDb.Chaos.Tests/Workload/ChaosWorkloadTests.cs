using PairDb.Chaos.Checking;
using PairDb.Chaos.History;
using PairDb.Chaos.Workload;
using PairDb.Client;

namespace PairDb.Chaos.Tests.Workload;

/// <summary>The workload against a real cluster without faults: every kind of operation runs, and the history checks valid.</summary>
[NonParallelizable]
public sealed class ChaosWorkloadTests
{
    private static PairDbClient NoRetryClient(Uri endpoint) => new(new PairDbClientOptions
    {
        Endpoint = endpoint,
        Retry = new PairDbRetryOptions { MaxAttempts = 1 },
        CircuitBreaker = new PairDbCircuitBreakerOptions { Enabled = false },
    });

    [Test]
    [CancelAfter(120_000)]
    public async Task RunAsync_HealthyCluster_HistoryOfEveryKindChecksValid(CancellationToken cancellationToken)
    {
        await using var cluster = await WorkloadCluster.StartAsync();
        var options = new WorkloadOptions { Clients = 6, Keys = 16, Seed = 16, Tenant = "chaos-workload-test" };
        await using var workload = new ChaosWorkload(options, [cluster.Endpoint, cluster.Endpoint], NoRetryClient);
        var reports = new List<WorkloadProgress>();

        var history = await workload.RunAsync(TimeSpan.FromSeconds(10), reports.Add, cancellationToken);
        var final = await workload.ReadFinalStateAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var verdict = new HistoryChecker().Check(history, final);

        var operations = history.Operations;
        await TestContext.Progress.WriteLineAsync($"{operations.Count} operations: {string.Join(", ", verdict.Summary.ByKindAndOutcome.Select(p => $"{p.Key} {p.Value}"))}; " +
            $"{final.ValuesByKey.Count} keys, {verdict.Summary.FinalValues} final values");
        Assert.That(verdict.Valid, Is.True, string.Join(Environment.NewLine, verdict.Anomalies));
        Assert.That(final.UnreadKeys, Is.Empty);
        Assert.That(operations.Count(o => o.Outcome != OpOutcome.Ok), Is.LessThan(operations.Count / 20 + 1),
            "failures on a healthy cluster: " + string.Join("; ", operations.Where(o => o.Outcome != OpOutcome.Ok).Take(5).Select(o => $"{o.Describe()} {o.ErrorCode} {o.Error}")));
        Assert.Multiple(() =>
        {
            Assert.That(operations.Count(o => o is { Kind: OpKind.Put, WithContext: false, TtlSeconds: null, Outcome: OpOutcome.Ok }), Is.GreaterThan(0), "blind puts");
            Assert.That(operations.Count(o => o is { Kind: OpKind.Put, WithContext: true, Outcome: OpOutcome.Ok }), Is.GreaterThan(0), "read-modify-write puts");
            Assert.That(operations.Count(o => o is { Kind: OpKind.Put, TtlSeconds: 3600, Outcome: OpOutcome.Ok }), Is.GreaterThan(0), "long-TTL puts");
            Assert.That(operations.Count(o => o is { Kind: OpKind.Delete, WithContext: true, Outcome: OpOutcome.Ok }), Is.GreaterThan(0), "deletes with context");
            foreach (var level in Enum.GetValues<ConsistencyLevel>())
            {
                Assert.That(operations.Count(o => o.Kind == OpKind.Read && o.Consistency == level && o.Outcome == OpOutcome.Ok), Is.GreaterThan(0), $"reads at {level}");
            }
            Assert.That(operations.Count(o => o is { Kind: OpKind.Read, ValuesRead.Count: > 1 }), Is.GreaterThan(0), "reads of concurrent siblings");
            Assert.That(operations.Select(o => o.Client).Distinct().Count(), Is.EqualTo(options.Clients), "clients that ran");
            Assert.That(operations.Where(o => o.Value is not null).Select(o => o.Value).Distinct().Count(),
                Is.EqualTo(operations.Count(o => o.Value is not null)), "unique values");
            Assert.That(reports, Is.Not.Empty, "progress reports");
            Assert.That(reports[^1].Operations, Is.EqualTo(operations.Count), "the last progress report counts every operation");
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task RunAsync_CoordinatorDown_ClientsBackOffInsteadOfSpinning(CancellationToken cancellationToken)
    {
        // Nothing listens on the endpoint: every call fails at once with "connection refused".
        var endpoint = new Uri($"http://127.0.0.1:{PairDb.Client.Tooling.FreePort.Next(1)[0]}");
        var options = new WorkloadOptions { Clients = 2, Keys = 4, Seed = 16, Tenant = "chaos-backoff-test", MaxFailureBackoff = TimeSpan.FromMilliseconds(200) };
        await using var workload = new ChaosWorkload(options, [endpoint], NoRetryClient);

        var history = await workload.RunAsync(TimeSpan.FromSeconds(3), _ => { }, cancellationToken);

        // Backing off 5, 10, 20 ... 200 ms: about 20 calls per client in 3 s; spinning makes thousands.
        Assert.That(history.Operations, Is.Not.Empty);
        Assert.That(history.Operations.All(o => o.Outcome != OpOutcome.Ok), Is.True, "nothing can succeed");
        Assert.That(history.Operations.Count, Is.LessThan(100), "calls made in 3 s by 2 clients whose coordinator is down");
    }

    [Test]
    public void Constructor_ClientThatRetries_IsRefused()
    {
        var options = new WorkloadOptions();

        Assert.That(() => new ChaosWorkload(options, [new Uri("http://127.0.0.1:1")], endpoint => new PairDbClient(endpoint)),
            Throws.ArgumentException.With.Message.Contains("Retry.MaxAttempts = 1, is 3"));
    }

    [Test]
    public void ReadFinalStateAsync_BeforeARun_Throws()
    {
        var workload = new ChaosWorkload(new WorkloadOptions(), [new Uri("http://127.0.0.1:1")], NoRetryClient);

        Assert.That(() => workload.ReadFinalStateAsync(TimeSpan.FromSeconds(1), CancellationToken.None),
            Throws.InvalidOperationException.With.Message.Contains("call RunAsync first"));
    }
}
