using PairDb.Contracts.Versioning;

namespace PairDb.StorageNode.Identity;

/// <summary>
/// One life of a node's data: the id its dots are minted under (<see cref="Actor"/>), when it began
/// and why. A node takes a new one at every start and whenever it drops data it had acknowledged
/// (clear-all, dropped ranges, a table restored from replicas), so no two of its lives share a dot.
/// </summary>
public sealed record Incarnation(string Id, string NodeId, DateTimeOffset Since, string Reason)
{
    /// <summary>The actor id of this incarnation's dots: <c>{node id}@{incarnation}</c>.</summary>
    public string Actor { get; } = NodeIds.Actor(NodeId, Id);
}
