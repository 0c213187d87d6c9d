using PairDb.Coordinator.Data;

namespace PairDb.Coordinator.Ring;

/// <summary>
/// Builds a <see cref="TokenRing"/> from node rows. The result depends only on the set of rows, never on
/// their order: members are sorted by node id, tokens by value, and a token claimed by two nodes
/// (possible only if someone edits the table by hand) goes to the smaller node id.
/// </summary>
public static class RingBuilder
{
    public static TokenRing Build(IEnumerable<StorageNodeRecord> rows, long version) =>
        Build(ToNodes(rows), version);

    public static TokenRing Build(IEnumerable<RingNode> nodes, long version)
    {
        var byId = new Dictionary<string, RingNode>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (!byId.TryAdd(node.NodeId, node))
            {
                throw new ArgumentException($"storage node '{node.NodeId}' appears twice", nameof(nodes));
            }
        }

        var members = new List<RingNode>();
        foreach (var node in byId.Values)
        {
            if (NodeStates.IsRingMember(node.State))
            {
                members.Add(node);
            }
        }
        members.Sort((a, b) => string.CompareOrdinal(a.NodeId, b.NodeId));

        var entries = new List<(ulong Token, int Owner)>();
        for (var owner = 0; owner < members.Count; owner++)
        {
            foreach (var token in members[owner].Tokens)
            {
                entries.Add((token, owner));
            }
        }
        // Owner indexes follow node id order, so sorting by (token, owner) breaks ties by node id.
        entries.Sort((a, b) => a.Token != b.Token ? a.Token.CompareTo(b.Token) : a.Owner.CompareTo(b.Owner));

        var tokens = new List<ulong>(entries.Count);
        var owners = new List<int>(entries.Count);
        foreach (var (token, owner) in entries)
        {
            if (tokens.Count > 0 && tokens[^1] == token)
            {
                continue;
            }
            tokens.Add(token);
            owners.Add(owner);
        }

        return new TokenRing(version, [.. members], [.. tokens], [.. owners], byId);
    }

    public static IEnumerable<RingNode> ToNodes(IEnumerable<StorageNodeRecord> rows)
    {
        foreach (var row in rows)
        {
            yield return ToNode(row);
        }
    }

    public static RingNode ToNode(StorageNodeRecord row)
    {
        var tokens = TokenBits.FromStored(row.Tokens);
        Array.Sort(tokens);
        return new RingNode(row.NodeId, row.Host, row.GrpcPort, row.HttpPort, row.State, row.Draining, tokens) { Scheme = row.Scheme };
    }
}
