using PairDb.Integration.Tests.Support;

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

    /// <summary>How many of <paramref name="writes"/> the node holds itself, with the acknowledged value (direct StorageService.Read).</summary>
    public static async Task<int> CountHeldAsync(ClusterNode node, IEnumerable<KeyValuePair<string, AckedWrite>> writes)
    {
        var held = 0;
        await Parallel.ForEachAsync(writes, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (write, _) =>
        {
            var local = await node.ReadLocalAsync(Tenant, write.Key);
            foreach (var sibling in local.Siblings)
            {
                if (sibling.Value.Span.SequenceEqual(System.Text.Encoding.UTF8.GetBytes(write.Value.Value)))
                {
                    Interlocked.Increment(ref held);
                    return;
                }
            }
        });
        return held;
    }
}
