using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using PairDb.Testing.Reads;
using static PairDb.Integration.Tests.Support.Rpc;

namespace PairDb.Integration.Tests;

/// <summary>A storage node killed with SIGKILL in the middle of a write load, then restarted.</summary>
[NonParallelizable]
public sealed class NodeFailureTests
{
    private const string Tenant = TestCluster.Tenant;
    private const int Writes = 10_000;
    private const int Concurrency = 64;
    private const int KillAfter = 3_000;

    [Test]
    public async Task KillNineDuringWrites_EveryAcknowledgedWriteSurvivesAndHintsDrainAfterRestart()
    {
        await using var cluster = await TestCluster.StartAsync();
        var victim = cluster.Nodes[2];
        var acknowledged = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var failed = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();

        async Task WriterAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Writes)
            {
                var key = $"kill-{i:D5}";
                var value = $"value-{i}";
                try
                {
                    await cluster.KeyValue.PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes(key), Value = Bytes(value), W = 2 });
                    acknowledged[key] = value;
                }
                catch (RpcException)
                {
                    // Not acknowledged: the client may retry; the test only holds acknowledged writes to account.
                    Interlocked.Increment(ref failed);
                }
                if (i == KillAfter)
                {
                    victim.Kill();
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(WriterAsync)));
        TestContext.Progress.WriteLine($"{Writes} W=2 writes with {victim.NodeId} killed after {KillAfter}: {acknowledged.Count} acknowledged, {failed} failed, {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.That(acknowledged, Has.Count.GreaterThanOrEqualTo(Writes - Concurrency), "with two of three replicas up, W=2 writes keep succeeding");
        Assert.That(await cluster.HintCountAsync(victim.NodeId), Is.GreaterThan(0), "writes that missed the dead node are hinted");
        await AssertAllReadableAsync(cluster, acknowledged, "while the node is down");

        await victim.StartAsync();
        await Eventually.WaitAsync(async () => await cluster.HintCountAsync() == 0, "the hints table to drain after the node returned", TimeSpan.FromSeconds(60));

        await AssertAllReadableAsync(cluster, acknowledged, "after the node returned");
        var missing = new List<string>();
        foreach (var (key, value) in acknowledged)
        {
            var local = await victim.ReadLocalAsync(Tenant, key);
            if (ExactRead.Problem(key, local.Siblings.Select(s => System.Text.Encoding.UTF8.GetString(s.Value.Span)), value, RepeatedDots.Accepted) is { } problem)
            {
                missing.Add(problem);
            }
        }
        Assert.That(missing, Is.Empty,
            $"the restarted node holds every acknowledged write exactly (its own from before the kill, the rest replayed from hints); first problems: {string.Join("; ", missing.Take(10))}");
        var metrics = await cluster.MetricsAsync();
        Assert.That(metrics, Does.Contain("hints_stored_total").And.Contain("hints_replayed_total"));
    }

    private static async Task AssertAllReadableAsync(TestCluster cluster, ConcurrentDictionary<string, string> acknowledged, string when)
    {
        var wrong = new ConcurrentBag<string>();
        using var gate = new SemaphoreSlim(Concurrency);
        await Task.WhenAll(acknowledged.Select(async pair =>
        {
            await gate.WaitAsync();
            try
            {
                var reply = await cluster.KeyValue.GetAsync(new GetRequest { TenantId = Tenant, Key = Bytes(pair.Key), R = 2 });
                // The victim is killed while puts are in flight: one may have been coordinated twice (RepeatedDots).
                if (ExactRead.Problem(pair.Key, reply.Siblings.Select(s => s.Value.ToStringUtf8()), pair.Value, RepeatedDots.Accepted) is { } problem)
                {
                    wrong.Add(problem);
                }
            }
            catch (RpcException e)
            {
                wrong.Add($"{pair.Key}: {e.Status.Detail}");
            }
            finally
            {
                gate.Release();
            }
        }));
        Assert.That(wrong, Is.Empty, $"every acknowledged write reads back at R=2 as exactly its value {when}; first problems: {string.Join("; ", wrong.Take(10))}");
    }
}
