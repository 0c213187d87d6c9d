using PairDb.Integration.Tests.Support;
using PairDb.Testing.Reads;

namespace PairDb.Integration.Tests.Topology.Harness;

/// <summary>Talking to one storage node directly, as an operator (HTTP) or as the coordinator (gRPC) would.</summary>
internal sealed partial class TopologyCluster
{
    /// <summary>POST /api/v1/data/clear-all on the node (runbook 3.4 step 2): it drops everything it stores.</summary>
    public static async Task<HttpAnswer> ClearAllAsync(ClusterNode node)
    {
        using var api = new OperatorApi(node.HttpPort);
        return await api.PostAsync("/api/v1/data/clear-all");
    }

    /// <summary>Sum of a metric's samples on the node's /metrics (0 when absent).</summary>
    public static async Task<double> NodeMetricAsync(ClusterNode node, string name)
    {
        using var api = new OperatorApi(node.HttpPort);
        return PrometheusText.Sum(await api.GetTextAsync("/metrics"), name);
    }

    /// <summary>
    /// How many of <paramref name="writes"/> the node holds itself (direct StorageService.Read), each exactly as
    /// acknowledged (<see cref="ExactRead"/>); a key it does not hold at all is not counted. A key it holds with any
    /// other value fails the test: no count of held keys, high or zero, makes an invented sibling right.
    /// </summary>
    public static async Task<int> CountHeldAsync(ClusterNode node, IEnumerable<KeyValuePair<string, AckedWrite>> writes)
    {
        var held = 0;
        var wrong = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await Parallel.ForEachAsync(writes, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (write, _) =>
        {
            var local = await node.ReadLocalAsync(Tenant, write.Key);
            if (local.Siblings.Count == 0)
            {
                return;
            }
            // A put may be coordinated twice while nodes are killed (see RepeatedDots).
            var problem = ExactRead.Problem(write.Key, local.Siblings.Select(s => System.Text.Encoding.UTF8.GetString(s.Value.Span)), write.Value.Value, RepeatedDots.Accepted);
            if (problem is null)
            {
                Interlocked.Increment(ref held);
            }
            else
            {
                wrong.Enqueue(problem);
            }
        });
        Assert.That(wrong, Is.Empty, $"{node.NodeId} holds each key it holds exactly as acknowledged; first problems: {string.Join("; ", wrong.Take(10))}");
        return held;
    }
}
