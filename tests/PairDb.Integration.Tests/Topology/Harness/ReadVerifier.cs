using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using PairDb.Testing.Reads;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>
/// Reads acknowledged writes back through the coordinator at R=2, each exactly its acknowledged value (<see cref="ExactRead"/>). <see cref="SweepAsync"/> checks
/// every write once; <see cref="Start"/> sweeps over and over in the background ("at any moment")
/// until <see cref="StopAsync"/>, collecting every problem with the time it was seen.
/// A retriable error (timeout, node not ready) gets one more try before it counts: the claim is
/// that the data is readable, not that one request on a loaded 2-core machine never times out.
/// </summary>
internal sealed class ReadVerifier : IAsyncDisposable
{
    private readonly KeyValueService.KeyValueServiceClient _kv;
    private readonly AcknowledgedWrites _ledger;
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Task? _loop;
    private volatile bool _paused;
    private int _sweeps;
    private long _reads;

    public ReadVerifier(KeyValueService.KeyValueServiceClient kv, AcknowledgedWrites ledger)
    {
        _kv = kv;
        _ledger = ledger;
    }

    /// <summary>Full sweeps finished by the background loop.</summary>
    public int Sweeps => Volatile.Read(ref _sweeps);

    public long Reads => Interlocked.Read(ref _reads);

    public IReadOnlyCollection<string> Problems => _problems.ToArray();

    /// <summary>Reads every acknowledged write once; returns what was wrong (empty: all readable).</summary>
    public static async Task<IReadOnlyList<string>> SweepAsync(KeyValueService.KeyValueServiceClient kv, IEnumerable<KeyValuePair<string, AckedWrite>> writes, int concurrency = 16)
    {
        var problems = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(writes, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (write, _) =>
        {
            var problem = await CheckAsync(kv, write.Key, write.Value);
            if (problem is not null)
            {
                problems.Enqueue(problem);
            }
        });
        return [.. problems];
    }

    /// <summary>Asserts that every acknowledged write so far is readable at R=2.</summary>
    public static async Task AssertAllReadableAsync(KeyValueService.KeyValueServiceClient kv, AcknowledgedWrites ledger, string when)
    {
        var writes = ledger.Snapshot();
        var problems = await SweepAsync(kv, writes);
        Assert.That(problems, Is.Empty, $"every one of the {writes.Length} acknowledged writes is readable at R=2 {when}");
    }

    /// <summary>A verifier already sweeping <paramref name="ledger"/>.</summary>
    public static ReadVerifier StartNew(KeyValueService.KeyValueServiceClient kv, AcknowledgedWrites ledger)
    {
        var verifier = new ReadVerifier(kv, ledger);
        verifier.Start();
        return verifier;
    }

    public void Start()
    {
        _loop = Task.Run(async () =>
        {
            using var ticks = new PeriodicTimer(Until.Poll);
            while (!_stop.IsCancellationRequested)
            {
                if (_paused)
                {
                    await ticks.WaitForNextTickAsync();
                    continue;
                }
                await Parallel.ForEachAsync(_ledger.Snapshot(), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (write, _) =>
                {
                    if (_paused || _stop.IsCancellationRequested)
                    {
                        return;
                    }
                    var problem = await CheckAsync(_kv, write.Key, write.Value);
                    Interlocked.Increment(ref _reads);
                    // A read that failed because the test stopped the coordinator meanwhile says nothing about the data.
                    if (problem is not null && !_paused)
                    {
                        _problems.Enqueue($"t={_clock.Elapsed.TotalSeconds:0.0}s {problem}");
                    }
                });
                Interlocked.Increment(ref _sweeps);
            }
        });
    }

    /// <summary>Stops judging reads (the coordinator is about to be killed: nobody can read).</summary>
    public void Pause() => _paused = true;

    /// <summary>
    /// Judges reads again once one succeeds: a restarted coordinator is healthy before the test's
    /// gRPC channel has left its reconnect backoff, and that wait is the client's, not the data's.
    /// </summary>
    public async Task ResumeAsync(TimeSpan timeout)
    {
        var probe = _ledger.Sample(1)[0];
        await Until.DoneAsync(async () =>
        {
            var problem = await CheckAsync(_kv, probe.Key, probe.Value);
            return (problem is null, problem ?? "");
        }, "a read through the restarted coordinator to succeed", timeout);
        _paused = false;
    }

    /// <summary>Waits until the background loop has completed <paramref name="count"/> more full sweeps.</summary>
    public async Task WaitForSweepsAsync(int count, TimeSpan timeout)
    {
        var target = Sweeps + count;
        await Until.DoneAsync(() => Task.FromResult((Sweeps >= target, $"{Sweeps} sweeps, {Reads} reads, {_problems.Count} problems")),
            $"{count} more full verification sweeps", timeout);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
    }

    /// <summary>Stops the loop and asserts that no sweep ever found an acknowledged write unreadable.</summary>
    public async Task AssertNoProblemsAsync(string during)
    {
        await StopAsync();
        var problems = Problems;
        Assert.That(problems, Is.Empty,
            $"no acknowledged write unreadable at any moment {during} ({Sweeps} sweeps, {Reads} reads); first problems: {string.Join("; ", problems.Take(10))}");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private static async Task<string?> CheckAsync(KeyValueService.KeyValueServiceClient kv, string key, AckedWrite write)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var reply = await kv.GetAsync(new GetRequest { TenantId = TopologyCluster.Tenant, Key = Rpc.Bytes(key), R = 2 },
                    deadline: DateTime.UtcNow.AddSeconds(10));
                // Nodes are killed and calls time out while the live writer runs: a put may be coordinated twice.
                return ExactRead.Problem(key, reply.Siblings.Select(s => s.Value.ToStringUtf8()), write.Value, RepeatedDots.Accepted);
            }
            catch (RpcException e)
            {
                var code = e.GetErrorCode();
                var retriable = code is ErrorCode.Timeout or ErrorCode.NodeNotReady or ErrorCode.QuorumNotMet
                    || e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded;
                if (!retriable || attempt >= 1)
                {
                    return $"{key}: {code} ({e.StatusCode}) {e.Status.Detail}";
                }
            }
        }
    }
}
