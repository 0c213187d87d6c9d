namespace PairDb.Coordinator.Ring;

public sealed partial class TokenRing
{
    /// <summary>
    /// Every range between consecutive ring tokens with its replicas (primary first), in ring order.
    /// This is what streaming, digests and cleanup work from: a node's data is exactly the union of
    /// the ranges that list it.
    /// </summary>
    public IReadOnlyList<OwnedRange> GetOwnedRanges(int replicationFactor)
    {
        var ranges = new List<OwnedRange>(_tokens.Length);
        for (var i = 0; i < _tokens.Length; i++)
        {
            ranges.Add(new OwnedRange(RangeEndingAt(i), ReplicasFrom(i, replicationFactor)));
        }
        return ranges;
    }

    /// <summary>The ranges <paramref name="nodeId"/> replicates at <paramref name="replicationFactor"/>.</summary>
    public IReadOnlyList<TokenRange> GetRangesOf(string nodeId, int replicationFactor)
    {
        var ranges = new List<TokenRange>();
        foreach (var owned in GetOwnedRanges(replicationFactor))
        {
            foreach (var replica in owned.Replicas)
            {
                if (string.Equals(replica, nodeId, StringComparison.Ordinal))
                {
                    ranges.Add(owned.Range);
                    break;
                }
            }
        }
        return ranges;
    }

    /// <summary>Fraction of the token space whose primary is each member (sums to 1).</summary>
    public IReadOnlyDictionary<string, double> GetPrimaryShares()
    {
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var member in Members)
        {
            shares[member.NodeId] = 0;
        }
        for (var i = 0; i < _tokens.Length; i++)
        {
            shares[Members[_owners[i]].NodeId] += RangeEndingAt(i).Width / (double)ulong.MaxValue;
        }
        return shares;
    }

    private TokenRange RangeEndingAt(int index) =>
        new(_tokens[index == 0 ? _tokens.Length - 1 : index - 1], _tokens[index]);

    private string[] ReplicasFrom(int index, int replicationFactor)
    {
        Span<int> indexes = stackalloc int[Math.Min(Math.Max(replicationFactor, 0), Members.Count)];
        var found = indexes.IsEmpty ? 0 : Walk(index, indexes);
        var replicas = new string[found];
        for (var i = 0; i < found; i++)
        {
            replicas[i] = Members[indexes[i]].NodeId;
        }
        return replicas;
    }
}
