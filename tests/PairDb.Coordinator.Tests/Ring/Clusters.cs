using System.Buffers.Binary;
using PairDb.Contracts.Keys;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Tests.Ring;

/// <summary>Rings built the way the registry builds them: nodes join one at a time.</summary>
internal static class Clusters
{
    public static List<RingNode> Join(IEnumerable<string> nodeIds, int virtualNodes = 150)
    {
        var nodes = new List<RingNode>();
        foreach (var nodeId in nodeIds)
        {
            nodes.Add(Joined(nodeId, virtualNodes, nodes));
        }
        return nodes;
    }

    public static List<RingNode> Join(int count, int virtualNodes = 150) => Join(Ids(count), virtualNodes);

    public static RingNode Joined(string nodeId, int virtualNodes, IReadOnlyList<RingNode> existing, string state = NodeStates.Normal) =>
        new(nodeId, "10.0.0.1", 8001, 8080, state, draining: false, TokenAllocator.Allocate(nodeId, virtualNodes, existing));

    public static IEnumerable<string> Ids(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            yield return $"storage-node-{i}";
        }
    }

    /// <summary>Tokens of <paramref name="count"/> distinct keys of one tenant, as the data path computes them.</summary>
    public static ulong[] KeyTokens(int count)
    {
        var tokens = new ulong[count];
        Span<byte> key = stackalloc byte[8];
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(key, i);
            tokens[i] = RingToken.Of("tenant-a", key);
        }
        return tokens;
    }

    /// <summary>The preference list computed the slow, obvious way: sort every (token, node), walk.</summary>
    public static List<string> NaivePreferenceList(IEnumerable<RingNode> nodes, ulong token, int count)
    {
        var entries = new List<(ulong Token, string Node)>();
        foreach (var node in nodes)
        {
            if (NodeStates.IsRingMember(node.State))
            {
                entries.AddRange(node.Tokens.Select(t => (t, node.NodeId)));
            }
        }
        entries.Sort((a, b) => a.Token != b.Token ? a.Token.CompareTo(b.Token) : string.CompareOrdinal(a.Node, b.Node));
        var result = new List<string>();
        if (entries.Count == 0)
        {
            return result;
        }
        var start = entries.FindIndex(e => e.Token >= token);
        if (start < 0)
        {
            start = 0;
        }
        for (var i = 0; i < entries.Count && result.Count < count; i++)
        {
            var node = entries[(start + i) % entries.Count].Node;
            if (!result.Contains(node))
            {
                result.Add(node);
            }
        }
        return result;
    }
}
