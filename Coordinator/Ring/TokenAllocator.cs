using System.IO.Hashing;
using System.Text;

namespace PairDb.Coordinator.Ring;

/// <summary>
/// Chooses a joining node's tokens so that the ring stays balanced, deterministically.
/// <para>
/// Why not hash-derived tokens (XxHash64(node_id:i))? With 150 random tokens a node's share of the
/// ring has a standard deviation of about 1/sqrt(150) ≈ 8% of the mean, so the most and least
/// loaded of a few nodes differ by 15-30%: far from the 10% the design asks for. Instead:
/// </para>
/// <list type="bullet">
/// <item>The first node takes V evenly spaced tokens, the spacing 2^64/V, offset by XxHash64 of its
/// node id.</item>
/// <item>A later node takes its V tokens one at a time (the replication-aware greedy of Cassandra's
/// token allocator, simplified): every existing range is a candidate, split so that the new node
/// takes the low piece of 2^64 / (all virtual nodes including its own); the candidate chosen is the
/// one that most reduces the sum of squared per-virtual-node loads, counting both primary ownership
/// and replica ownership at the replication factor (what each node stores). Ties go to the widest
/// range, then the lowest position.</item>
/// </list>
/// The tokens are persisted in <c>storage_nodes.tokens</c> when the node registers and never
/// recomputed, so every coordinator builds the identical ring from the rows whatever their order;
/// given the same existing ring and node id, the allocation is the same in every process and build.
/// Adding tokens only ever splits ranges, so a join moves keys only to the joining node (about
/// 1/(n+1) of them). A node that leaves hands its ranges to its successors; the next join takes
/// from the most loaded first, which re-balances.
/// </summary>
public static class TokenAllocator
{
    /// <summary>Tokens for <paramref name="nodeId"/> given the nodes that hold tokens now (any order).</summary>
    public static ulong[] Allocate(string nodeId, int virtualNodes, IEnumerable<RingNode> existing, int replicationFactor = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(virtualNodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        var owners = new List<RingNode>(existing);
        owners.RemoveAll(n => n.Tokens.Length == 0 || string.Equals(n.NodeId, nodeId, StringComparison.Ordinal));
        owners.Sort((a, b) => string.CompareOrdinal(a.NodeId, b.NodeId));
        return owners.Count == 0
            ? EvenlySpaced(nodeId, virtualNodes)
            : new GreedyAllocation(owners, virtualNodes, replicationFactor).Run();
    }

    private static ulong[] EvenlySpaced(string nodeId, int virtualNodes)
    {
        var offset = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(nodeId));
        var spacing = (ulong)((UInt128.One << 64) / (uint)virtualNodes);
        var tokens = new ulong[virtualNodes];
        for (var i = 0; i < virtualNodes; i++)
        {
            tokens[i] = unchecked(offset + ((ulong)i * spacing));
        }
        Array.Sort(tokens);
        return tokens;
    }
}
