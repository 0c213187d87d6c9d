using System.Diagnostics;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;

namespace PairDb.Integration.Tests.Outage.Harness;

/// <summary>
/// A <see cref="TestCluster"/> (coordinator, three storage nodes) whose metadata database lives on an
/// <see cref="OutagePostgres"/> the test stops and starts. On a failed test the processes' log tails
/// are printed before everything is removed.
/// </summary>
internal sealed class OutageCluster : IAsyncDisposable
{
    private OutageCluster(OutagePostgres postgres, TestCluster cluster)
    {
        Postgres = postgres;
        Cluster = cluster;
        Health = new CoordinatorHealth(cluster.CoordinatorHttpPort);
    }

    public OutagePostgres Postgres { get; }

    public TestCluster Cluster { get; }

    /// <summary>The coordinator's /health.</summary>
    public CoordinatorHealth Health { get; }

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public static async Task<OutageCluster> StartAsync(IReadOnlyDictionary<string, string>? coordinatorSettings = null)
    {
        var postgres = await OutagePostgres.StartAsync();
        try
        {
            var cluster = await TestCluster.StartAsync(
                coordinatorSettings: OutageSettings.Coordinator(coordinatorSettings), metadataConnectionString: postgres.ConnectionString);
            return new OutageCluster(postgres, cluster);
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    /// <summary>Writes a timestamped line to the test's progress output.</summary>
    public void Log(string message) => TestContext.Progress.WriteLine($"[{Clock.Elapsed.TotalSeconds,6:0.0}s] {message}");

    public async Task StopPostgresAsync()
    {
        await Postgres.StopAsync();
        Log("PostgreSQL stopped");
    }

    public async Task StartPostgresAsync()
    {
        await Postgres.StartAgainAsync();
        Log("PostgreSQL started again");
    }

    /// <summary>Runbook 4 (hint backlog), with the real psql client: target node to hint count.</summary>
    public async Task<IReadOnlyDictionary<string, long>> HintBacklogAsync() => await HintBacklog.ReadAsync(Cluster.ConnectionString);

    /// <summary>
    /// Restarts the coordinator (after <see cref="TestCluster.KillCoordinator"/>) and waits until a read goes
    /// through it: the test's channel may still be in its reconnect backoff when the process is healthy,
    /// and that wait is the client's, not the cluster's.
    /// </summary>
    public async Task RestartCoordinatorAsync()
    {
        await Cluster.RestartCoordinatorAsync();
        await Topology.Harness.Until.DoneAsync(async () =>
        {
            try
            {
                await Cluster.KeyValue.GetAsync(new GetRequest { TenantId = TestCluster.Tenant, Key = Rpc.Bytes("probe-after-restart"), R = 2 },
                    deadline: DateTime.UtcNow.AddSeconds(5));
            }
            catch (RpcException e) when (e.GetErrorCode() == ErrorCode.KeyNotFound)
            {
                // The key was never written: a quorum answered that, which is what the probe asks.
            }
            return (true, "");
        }, "a read through the restarted coordinator to succeed", TimeSpan.FromSeconds(30));
        Log($"coordinator restarted (PostgreSQL {(Postgres.Running ? "up" : "down")})");
    }

    /// <summary>SIGKILL of a storage node; returns once the process is gone, so no put issued afterwards can reach it.</summary>
    public async Task KillNodeAsync(ClusterNode node)
    {
        node.Kill();
        await Topology.Harness.Until.DoneAsync(() => Task.FromResult((!node.Running, "still running")), $"{node.NodeId} to exit after SIGKILL", TimeSpan.FromSeconds(30));
        Log($"{node.NodeId} killed");
    }

    /// <summary>
    /// Waits until PostgreSQL's hints table holds a hint for <paramref name="targetNodeId"/> for every one of
    /// <paramref name="missed"/> (puts the node cannot have taken): the runbook's backlog count first, then key by key.
    /// </summary>
    public async Task WaitForHintsOfAsync(string targetNodeId, IReadOnlyList<AckedPut> missed, TimeSpan timeout)
    {
        await Topology.Harness.Until.DoneAsync(async () =>
        {
            var backlog = await HintBacklogAsync();
            return (backlog.GetValueOrDefault(targetNodeId) >= missed.Count, HintBacklog.Describe(backlog));
        }, $"the runbook's hint backlog to show at least {missed.Count} hints for {targetNodeId}", timeout);
        var hinted = await HintBacklog.KeysForAsync(Cluster.ConnectionString, targetNodeId);
        var absent = missed.Where(p => !hinted.Contains(p.Key)).Select(p => p.Key).ToList();
        Assert.That(absent, Is.Empty, $"every put {targetNodeId} missed has its hint in PostgreSQL; first absent: {string.Join(", ", absent.Take(10))}");
        Log($"hints for {targetNodeId} in PostgreSQL: {HintBacklog.Describe(await HintBacklogAsync())}");
    }

    /// <summary>Waits until the hints table holds no hint at all (replayed to every target).</summary>
    public async Task WaitForHintsDrainedAsync(TimeSpan timeout) =>
        await Topology.Harness.Until.DoneAsync(async () =>
        {
            var count = await Cluster.HintCountAsync();
            return (count == 0, $"{count} hint(s) in the hints table");
        }, "the hints table to drain to 0", timeout);

    public async ValueTask DisposeAsync()
    {
        var result = TestContext.CurrentContext.Result;
        if (result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed
            || result.Assertions.Any(a => a.Status == NUnit.Framework.Interfaces.AssertionStatus.Failed))
        {
            await TestContext.Progress.WriteLineAsync("--- coordinator ---\n" + Cluster.CoordinatorLog());
            foreach (var node in Cluster.Nodes)
            {
                await TestContext.Progress.WriteLineAsync($"--- {node.NodeId} ---\n" + node.ReadLog());
            }
        }
        Health.Dispose();
        try
        {
            await Cluster.DisposeAsync();
        }
        finally
        {
            // Whatever the cluster's teardown threw, the server is the test's own: it must not outlive it.
            await Postgres.DisposeAsync();
        }
    }
}
