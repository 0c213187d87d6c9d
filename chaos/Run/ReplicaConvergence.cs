using System.Text;
using Google.Protobuf;
using Grpc.Net.Client;
using PairDb.Chaos.Cluster;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Keys;
using PairDb.Contracts.Versioning;

namespace PairDb.Chaos.Run;

/// <summary>
/// After healing, every replica of every key the workload touched must store the same sibling set (context and
/// siblings, tombstones included), read from each node directly over StorageService.Read as the coordinator reads
/// it. The replicas of a key are the nodes whose replicated ranges (CoordinatorService.GetReplicaPeers) hold its
/// token; with 3 nodes that is all of them. Anti-entropy is hint replay and read repair, so the check polls.
/// </summary>
public static class ReplicaConvergence
{
    public static async Task<(TimeSpan? ConvergedAfter, IReadOnlyList<Finding> Divergent)> WaitAsync(
        ChaosCluster cluster, string tenant, IReadOnlyCollection<string> keys, TimeSpan timeout, CancellationToken ct)
    {
        var nodes = cluster.Layout.Nodes.ToArray();
        var channels = nodes.ToDictionary(n => n.Name, n => GrpcChannel.ForAddress(n.Grpc));
        try
        {
            var ranges = await ReplicatedRangesAsync(cluster, ct);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            IReadOnlyList<Finding> divergent = [];
            while (true)
            {
                divergent = await DivergentAsync(nodes, channels, ranges, tenant, keys, ct);
                if (divergent.Count == 0)
                {
                    return (clock.Elapsed, divergent);
                }
                if (clock.Elapsed > timeout)
                {
                    return (null, divergent);
                }
                await Task.Delay(1000, ct);
            }
        }
        finally
        {
            foreach (var channel in channels.Values)
            {
                channel.Dispose();
            }
        }
    }

    private static async Task<IReadOnlyList<Finding>> DivergentAsync(
        Member[] nodes, Dictionary<string, GrpcChannel> channels, IReadOnlyDictionary<string, TokenRange[]> ranges, string tenant,
        IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var findings = new List<Finding>();
        foreach (var key in keys.Order(StringComparer.Ordinal))
        {
            var token = RingToken.Of(tenant, Encoding.UTF8.GetBytes(key));
            var sets = new List<(string Node, SiblingSet? Set, string? Error)>();
            foreach (var node in nodes.Where(n => ranges.Count == 0 || ranges.GetValueOrDefault(n.Name, []).Any(r => Contains(r, token))))
            {
                try
                {
                    var reply = await new StorageService.StorageServiceClient(channels[node.Name]).ReadAsync(
                        new ReadRequest { TenantId = tenant, Key = ByteString.CopyFromUtf8(key) }, deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: ct);
                    sets.Add((node.Name, reply.Found ? SiblingSetFormat.Parse(reply.Versions.Span) : SiblingSet.Empty, null));
                }
                catch (Grpc.Core.RpcException e)
                {
                    sets.Add((node.Name, null, $"{e.StatusCode} {e.Status.Detail}"));
                }
            }
            if (sets.Any(s => s.Error is not null) || sets.Select(s => s.Set).Distinct().Count() > 1)
            {
                findings.Add(new Finding("divergent-replicas", key, string.Join("; ", sets.Select(s => $"{s.Node}: {s.Error ?? s.Set!.ToString()}"))));
            }
        }
        return findings;
    }

    /// <summary>Per node, the ranges it replicates (the union of what it shares with its peers); empty with 3 nodes (all replicate everything).</summary>
    private static async Task<IReadOnlyDictionary<string, TokenRange[]>> ReplicatedRangesAsync(ChaosCluster cluster, CancellationToken ct)
    {
        var nodes = cluster.Layout.Nodes.ToArray();
        if (nodes.Length <= 3)
        {
            return new Dictionary<string, TokenRange[]>();
        }
        using var channel = GrpcChannel.ForAddress(cluster.CoordinatorEndpoints[0]);
        var admin = new CoordinatorService.CoordinatorServiceClient(channel);
        var ranges = new Dictionary<string, TokenRange[]>();
        foreach (var node in nodes)
        {
            var reply = await admin.GetReplicaPeersAsync(new GetReplicaPeersRequest { NodeId = node.Name }, cancellationToken: ct);
            ranges[node.Name] = reply.Peers.SelectMany(p => p.SharedRanges).ToArray();
        }
        return ranges;
    }

    // (start, end]; wraps when start >= end; equal bounds are the whole ring.
    private static bool Contains(TokenRange range, ulong token) =>
        range.StartToken == range.EndToken || (range.StartToken < range.EndToken
            ? token > range.StartToken && token <= range.EndToken
            : token > range.StartToken || token <= range.EndToken);
}
