namespace PairDb.Contracts.Versioning;

public sealed partial class SiblingSet
{
    /// <summary>
    /// Shrinks the context to at most <paramref name="maxEntries"/> entries by dropping the entries
    /// with the smallest counters first. Never dropped: the entry of a node that has a sibling here
    /// (the context must cover its siblings, or a client could never resolve them) and the entry of
    /// <paramref name="protectedNodeId"/>; so the result may stay above the limit when more nodes
    /// than that hold siblings.
    /// </summary>
    /// <remarks>
    /// Trade-off. A dropped entry makes the set forget writes it has seen. A stale copy of such a write
    /// (from a lagging replica or a hint) then reappears as a sibling: false concurrency, which the
    /// next resolving write removes, never lost data. The one unsafe case is a node forgetting its own
    /// entry: it would mint counters again from 1, and a replica still holding the higher counter would
    /// treat the new write as already seen and drop it. Storage nodes therefore pass their own id as
    /// <paramref name="protectedNodeId"/>. Riak prunes by wall-clock age; this format keeps no
    /// timestamps (8 bytes an entry saved), and a node's per-key counter is the proxy: the smallest
    /// counter is the node that wrote this key least, usually also longest ago.
    /// </remarks>
    public SiblingSet Prune(int maxEntries, string? protectedNodeId = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxEntries);
        var entries = Context.Entries;
        if (entries.Length <= maxEntries)
        {
            return this;
        }

        var candidates = new List<int>(entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var nodeId = entries[i].NodeId;
            if (!HasSiblingFrom(nodeId) && !string.Equals(nodeId, protectedNodeId, StringComparison.Ordinal))
            {
                candidates.Add(i);
            }
        }

        if (candidates.Count == 0)
        {
            return this;
        }

        var context = Context;
        candidates.Sort((x, y) =>
        {
            var byCounter = context.Entries[x].Counter.CompareTo(context.Entries[y].Counter);
            return byCounter != 0 ? byCounter : string.CompareOrdinal(context.Entries[x].NodeId, context.Entries[y].NodeId);
        });

        var dropCount = Math.Min(entries.Length - maxEntries, candidates.Count);
        var drop = new bool[entries.Length];
        for (var i = 0; i < dropCount; i++)
        {
            drop[candidates[i]] = true;
        }

        var kept = new Dot[entries.Length - dropCount];
        var at = 0;
        for (var i = 0; i < entries.Length; i++)
        {
            if (!drop[i])
            {
                kept[at++] = entries[i];
            }
        }

        return new SiblingSet(VersionVector.FromCanonical(kept), _siblings);
    }

    private bool HasSiblingFrom(string nodeId)
    {
        foreach (var sibling in _siblings)
        {
            if (string.Equals(sibling.Dot.NodeId, nodeId, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
