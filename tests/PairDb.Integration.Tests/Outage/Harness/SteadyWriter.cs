using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;

namespace PairDb.Integration.Tests.Outage.Harness;

/// <summary>
/// A closed-loop W=2 write load: <c>concurrency</c> clients each put a fresh key, wait for the answer and
/// put the next, until stopped. Every acknowledged put goes to the ledger; every failure is counted by its
/// pairdb error code (a put slower than the writer's deadline fails with gRPC DeadlineExceeded).
/// <see cref="EndPhase"/> closes a phase of the test and returns what the client saw in it.
/// </summary>
internal sealed class SteadyWriter : IAsyncDisposable
{
    private readonly KeyValueService.KeyValueServiceClient _kv;
    private readonly string _prefix;
    private readonly TimeSpan _deadline;
    private readonly ConcurrentDictionary<string, AckedPut> _acknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _phaseLock = new();
    private readonly List<Task> _clients = [];
    private List<double> _phaseLatenciesMs = [];
    private Dictionary<string, int> _phaseFailures = new(StringComparer.Ordinal);
    private int _phaseAcknowledged;
    private long _sequence;

    private SteadyWriter(KeyValueService.KeyValueServiceClient kv, string prefix, TimeSpan deadline)
    {
        _kv = kv;
        _prefix = prefix;
        _deadline = deadline;
    }

    /// <summary>All failures of the run so far, by error code.</summary>
    public IReadOnlyDictionary<string, int> Failures => new Dictionary<string, int>(_failures);

    public int Failed => _failures.Values.Sum();

    public int Acknowledged => _acknowledged.Count;

    /// <summary>The sequence number the next put will get: puts issued from now on have this one or higher.</summary>
    public long Mark() => Interlocked.Read(ref _sequence) + 1;

    /// <param name="deadline">
    /// Each put's deadline. Default 30 s, past the coordinator's own timeout, so a put that fails says with
    /// which pairdb error; <see cref="OutageSettings.PutBound"/> where the test bounds each put's latency.
    /// </param>
    public static SteadyWriter Start(KeyValueService.KeyValueServiceClient kv, string prefix, int concurrency = 4, TimeSpan? deadline = null)
    {
        var writer = new SteadyWriter(kv, prefix, deadline ?? TimeSpan.FromSeconds(30));
        for (var i = 0; i < concurrency; i++)
        {
            writer._clients.Add(Task.Run(writer.ClientLoopAsync));
        }
        return writer;
    }

    /// <summary>The acknowledged puts so far (a copy: the writer goes on).</summary>
    public IReadOnlyList<AckedPut> Ledger() => [.. _acknowledged.Values];

    /// <summary>
    /// Waits until <paramref name="count"/> more puts than now are acknowledged. Every outage test requires
    /// that no put fails, so the first failure ends the wait and the test, saying which error it was.
    /// </summary>
    public async Task WaitForMoreAsync(int count, string why, TimeSpan? timeout = null)
    {
        var target = Acknowledged + count;
        await Topology.Harness.Until.DoneAsync(() => Task.FromResult((Acknowledged >= target || Failed > 0, $"{Acknowledged} acknowledged, {Failed} failed")),
            $"the writer to acknowledge {count} more puts ({why})", timeout ?? TimeSpan.FromSeconds(60));
        AssertNoFailures(why);
    }

    /// <summary>Fails the test if any put failed so far, with the failures by error code.</summary>
    public void AssertNoFailures(string why)
    {
        if (Failed > 0)
        {
            // The figures of the phase that failed, with its latencies, before the test stops.
            EndPhase($"{why} (failing)");
        }
        Assert.That(Failures, Is.Empty, $"no W=2 put fails ({why}); {Acknowledged} acknowledged");
    }

    /// <summary>
    /// Keeps the load running for <paramref name="duration"/> (the length of a phase the test sets, not a
    /// wait for something to happen) and requires puts to keep being acknowledged, and none to fail, meanwhile.
    /// </summary>
    public async Task RunForAsync(TimeSpan duration, string phase)
    {
        var clock = Stopwatch.StartNew();
        var before = Acknowledged;
        await Topology.Harness.Until.DoneAsync(() => Task.FromResult((clock.Elapsed >= duration || Failed > 0, $"{Acknowledged - before} acknowledged in {phase}")),
            $"{duration.TotalSeconds:0} s of load in {phase}", duration + TimeSpan.FromSeconds(30));
        AssertNoFailures(phase);
        Assert.That(Acknowledged, Is.GreaterThan(before), $"puts keep being acknowledged in {phase}");
    }

    /// <summary>Closes the current phase: what the client saw since the previous call.</summary>
    public PhaseFigures EndPhase(string name)
    {
        List<double> latencies;
        Dictionary<string, int> failures;
        int acknowledged;
        lock (_phaseLock)
        {
            (latencies, _phaseLatenciesMs) = (_phaseLatenciesMs, []);
            (failures, _phaseFailures) = (_phaseFailures, new Dictionary<string, int>(StringComparer.Ordinal));
            (acknowledged, _phaseAcknowledged) = (_phaseAcknowledged, 0);
        }
        latencies.Sort();
        var figures = new PhaseFigures(name, acknowledged, failures,
            PhaseFigures.Percentile(latencies, 50), PhaseFigures.Percentile(latencies, 99), latencies.Count == 0 ? 0 : latencies[^1]);
        TestContext.Progress.WriteLine(figures.ToString());
        return figures;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    /// <summary>The pairdb error (name and number, e.g. TIMEOUT 2005) or, without one, the gRPC status (the client's own deadline).</summary>
    private static string Describe(RpcException e) =>
        RpcErrors.TryParse(e) is { FromDetails: true } error
            ? $"{ErrorCodes.NameOf(error.Code)} {(int)error.Code}"
            : $"gRPC {e.StatusCode}";

    private async Task ClientLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var sequence = Interlocked.Increment(ref _sequence);
            var key = $"{_prefix}-{sequence:D7}";
            var value = $"{key}:v";
            var clock = Stopwatch.StartNew();
            string? failure = null;
            try
            {
                await _kv.PutAsync(new PutRequest { TenantId = TestCluster.Tenant, Key = Rpc.Bytes(key), Value = Rpc.Bytes(value), W = 2 },
                    deadline: DateTime.UtcNow.Add(_deadline));
                _acknowledged[key] = new AckedPut(sequence, key, value);
            }
            catch (RpcException e)
            {
                // Not acknowledged: a client would retry it; the test counts it by what it failed with.
                failure = Describe(e);
                _failures.AddOrUpdate(failure, 1, (_, n) => n + 1);
            }
            lock (_phaseLock)
            {
                if (failure is null)
                {
                    _phaseAcknowledged++;
                    _phaseLatenciesMs.Add(clock.Elapsed.TotalMilliseconds);
                }
                else
                {
                    _phaseFailures[failure] = _phaseFailures.GetValueOrDefault(failure) + 1;
                }
            }
        }
    }
}
