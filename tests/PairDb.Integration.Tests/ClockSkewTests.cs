using System.Globalization;
using System.Text.RegularExpressions;
using PairDb.Client.Tooling;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using static PairDb.Integration.Tests.Support.Rpc;

namespace PairDb.Integration.Tests;

/// <summary>
/// Issue 16: one clock must never destroy acknowledged TTL'd data. Real processes, one of them under libfaketime.
/// Before the fix a storage node 3 hours fast judged hour-long TTLs expired, and its reads (a context covering the
/// dropped dots) deleted them on the healthy replicas through read repair: 0 of 200 at ALL, 131 left on the others.
/// </summary>
[NonParallelizable]
public sealed class ClockSkewTests
{
    private const string Tenant = TestCluster.Tenant;
    private const int Keys = 200;
    private const double ThreeHours = 3 * 3600;

    // The start-up probe of PostgreSQL (default 2 s) timed out on a 2-core machine at a load average of 90.
    private static readonly Dictionary<string, string> LoadedMachine = new() { ["PairDb:Metadata:ProbeTimeout"] = "00:00:10" };

    [Test]
    public async Task TtlPuts_OneNodeClockThreeHoursFast_NothingExpiresAndItsOffsetIsReported()
    {
        var skewedEnvironment = FakeTime.Shifted("+3h");
        await using var cluster = await TestCluster.StartAsync(coordinatorSettings: LoadedMachine, nodeEnvironment: new Dictionary<int, IReadOnlyDictionary<string, string>> { [2] = skewedEnvironment });
        var skewed = cluster.Nodes[2];
        var offset = 0.0;
        await Eventually.WaitAsync(async () =>
        {
            offset = NodeOffset(await cluster.MetricsAsync(), skewed.NodeId) ?? 0;
            return Math.Abs(offset - ThreeHours) < 60;
        }, $"node_clock_offset_seconds of {skewed.NodeId} to show about +3 h (last {offset:0} s)");

        await PutAllAsync(cluster);

        var atAll = await CountReadableAsync(cluster, Consistency.All);
        var atQuorum = await CountReadableAsync(cluster, Consistency.Quorum);
        Assert.Multiple(() =>
        {
            Assert.That(atAll, Is.EqualTo(Keys), "reads at ALL (every replica, the skewed one included)");
            Assert.That(atQuorum, Is.EqualTo(Keys), "reads at QUORUM");
        });
        // Every key was read at ALL: any read repair those reads caused is sent once all three answered. One more
        // round of reads at ALL, answered only after the first round's repairs had their time, before the skewed node goes.
        Assert.That(await CountReadableAsync(cluster, Consistency.All), Is.EqualTo(Keys), "reads at ALL, second round");
        await skewed.StopAsync();

        Assert.That(await CountReadableAsync(cluster, Consistency.Quorum), Is.EqualTo(Keys), "the two healthy replicas still answer every key");
        var held = 0;
        foreach (var node in cluster.Nodes.Take(2))
        {
            await ForEachKeyAsync(async i =>
            {
                var local = await node.ReadLocalAsync(Tenant, Key(i));
                if (local.Siblings.Any(s => !s.IsTombstone && s.Value.Span.SequenceEqual(Bytes(Value(i)).Span)))
                {
                    Interlocked.Increment(ref held);
                }
            });
        }
        Assert.That(held, Is.EqualTo(2 * Keys), "each healthy replica still stores every acknowledged value");
    }

    [Test]
    public async Task TtlPuts_CoordinatorClockThreeHoursFast_CorrectsItsClusterTime()
    {
        await using var cluster = await TestCluster.StartAsync(coordinatorSettings: LoadedMachine, coordinatorEnvironment: FakeTime.Shifted("+3h"));
        var correction = 0.0;
        await Eventually.WaitAsync(async () =>
        {
            correction = Gauge(await cluster.MetricsAsync(), "coordinator_clock_correction_seconds") ?? 0;
            return Math.Abs(correction + ThreeHours) < 60;
        }, $"coordinator_clock_correction_seconds to show about -3 h (last {correction:0} s)");

        await PutAllAsync(cluster);

        var reply = await cluster.KeyValue.GetAsync(new GetRequest { TenantId = Tenant, Key = Bytes(Key(0)), Consistency = Consistency.All });
        var expiresIn = DateTimeOffset.FromUnixTimeMilliseconds(reply.Siblings.Single().ExpiresAtUnixMs) - DateTimeOffset.UtcNow;
        var atAll = await CountReadableAsync(cluster, Consistency.All);
        Assert.Multiple(() =>
        {
            Assert.That(expiresIn.TotalMinutes, Is.EqualTo(60).Within(2), "the TTL counts from the corrected cluster time, not from 3 hours ahead");
            Assert.That(atAll, Is.EqualTo(Keys), "reads at ALL");
        });
        await cluster.Nodes[2].StopAsync();
        Assert.That(await CountReadableAsync(cluster, Consistency.Quorum), Is.EqualTo(Keys), "reads at QUORUM from the other two");
    }

    /// <summary>
    /// Found by `./pairdb chaos --seed 7`: a coordinator restarted with its clock 200 minutes slow took TTL puts before
    /// its first probe round had measured the nodes, wrote deadlines already past, and 69 acknowledged values expired
    /// at once. Two nodes paused keep its clock unchecked (one node cannot check it); a put at W=1 must then be
    /// refused, not acknowledged with a deadline from the unchecked clock, and succeed once the nodes answer.
    /// </summary>
    [Test]
    public async Task TtlPut_CoordinatorRestartedSlowBeforeItsClockIsChecked_RefusedThenCountsFromTheNodesTime()
    {
        await using var cluster = await TestCluster.StartAsync(coordinatorSettings: LoadedMachine);
        var spec = cluster.NewCoordinatorSpec("coordinator-slow", FakeTime.Shifted("-200m"), out var slowPort);
        var put = new PutRequest { TenantId = Tenant, Key = Bytes("ttl-slow"), Value = Bytes("acknowledged"), TtlSeconds = 3600, W = 1 };
        cluster.Nodes[0].Pause(true);
        cluster.Nodes[1].Pause(true);
        // Disposed on every path: a coordinator left running by a failed assertion would load every later test.
        await using var slow = await HostLauncher.StartAsync(spec);
        try
        {
            using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{slowPort}");
            var refused = Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await new KeyValueService.KeyValueServiceClient(channel).PutAsync(put));
            Assert.That(refused!.GetErrorCode(), Is.EqualTo(ErrorCode.NodeNotReady), $"a TTL put while the coordinator's clock is unchecked: {refused.Status}");
        }
        finally
        {
            cluster.Nodes[0].Pause(false);
            cluster.Nodes[1].Pause(false);
        }
        {
            using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{slowPort}");
            var client = new KeyValueService.KeyValueServiceClient(channel);
            await Eventually.WaitAsync(async () =>
            {
                try
                {
                    await client.PutAsync(put);
                    return true;
                }
                catch (Grpc.Core.RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.Unavailable or Grpc.Core.StatusCode.DeadlineExceeded)
                {
                    return false;
                }
            }, "the slow coordinator to take the TTL put once the nodes answer its probes", TimeSpan.FromSeconds(60));
        }

        // Read through the coordinator whose clock is right: the value lives, an hour from now.
        var reply = await cluster.KeyValue.GetAsync(new GetRequest { TenantId = Tenant, Key = put.Key, Consistency = Consistency.Quorum });
        var sibling = reply.Siblings.Single(s => s.Value.ToStringUtf8() == "acknowledged");
        var expiresIn = DateTimeOffset.FromUnixTimeMilliseconds(sibling.ExpiresAtUnixMs) - DateTimeOffset.UtcNow;
        Assert.That(expiresIn.TotalMinutes, Is.EqualTo(60).Within(2), "the TTL counts from the nodes' time, not from 200 minutes ago");
    }

    private static string Key(int i) => $"ttl-{i:D3}";

    private static string Value(int i) => $"value-{i}";

    /// <summary>Runs <paramref name="action"/> for every key, 16 at a time (the test's time goes to the cluster, not to round trips in a row).</summary>
    private static Task ForEachKeyAsync(Func<int, Task> action) =>
        Parallel.ForEachAsync(Enumerable.Range(0, Keys), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) => await action(i));

    /// <summary>Every put acknowledged (default W), each with an hour's TTL.</summary>
    private static Task PutAllAsync(TestCluster cluster) =>
        ForEachKeyAsync(i => cluster.KeyValue.PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes(Key(i)), Value = Bytes(Value(i)), TtlSeconds = 3600 }).ResponseAsync);

    private static async Task<int> CountReadableAsync(TestCluster cluster, Consistency consistency)
    {
        var found = 0;
        await ForEachKeyAsync(async i =>
        {
            try
            {
                var reply = await cluster.KeyValue.GetAsync(new GetRequest { TenantId = Tenant, Key = Bytes(Key(i)), Consistency = consistency });
                if (reply.Siblings.Any(s => s.Value.ToStringUtf8() == Value(i)))
                {
                    Interlocked.Increment(ref found);
                }
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
            {
                // KEY_NOT_FOUND: counted as missing.
            }
        });
        return found;
    }

    private static double? NodeOffset(string metrics, string nodeId)
    {
        var match = Regex.Match(metrics, "^node_clock_offset_seconds\\{[^}]*node_id=\"" + Regex.Escape(nodeId) + "\"[^}]*\\} (\\S+)", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    private static double? Gauge(string metrics, string name)
    {
        var match = Regex.Match(metrics, "^" + Regex.Escape(name) + "(\\{[^}]*\\})? (\\S+)", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : null;
    }
}
