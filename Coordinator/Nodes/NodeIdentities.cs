using System.Collections.Concurrent;
using PairDb.Coordinator.Data;

namespace PairDb.Coordinator.Nodes;

/// <summary>
/// What this coordinator expects each node to answer when asked who it is (StorageService.Identify):
/// its registered node id, and an incarnation that is either the recorded one or a new one, never one
/// that was already replaced. Loaded from storage_nodes, updated in memory at once (the data path
/// never waits for PostgreSQL) and persisted by the prober.
/// </summary>
public sealed class NodeIdentities
{
    /// <summary>How many replaced incarnations are remembered per node.</summary>
    public const int MaxRetired = 64;

    private readonly ConcurrentDictionary<string, Known> _known = new(StringComparer.Ordinal);

    /// <summary>Whether storage_nodes has been read for <paramref name="nodeId"/> (or the node identified since).</summary>
    public bool Knows(string nodeId) => _known.ContainsKey(nodeId);

    /// <summary>Seeds the expectation from a storage_nodes row, unless the node was identified meanwhile.</summary>
    public void Load(StorageNodeRecord record) =>
        _known.TryAdd(record.NodeId, new Known(record.Incarnation, record.IncarnationSince, [.. record.RetiredIncarnations], Persisted: true));

    /// <summary>
    /// Seeds every node from the ring snapshot (PostgreSQL unreachable at start-up). Counted as persisted: the rows
    /// came from storage_nodes; an incarnation the node took since is accepted as new and written when PostgreSQL returns.
    /// </summary>
    public void LoadAll(IEnumerable<StorageNodeRecord> records)
    {
        foreach (var record in records)
        {
            Load(record);
        }
    }

    /// <summary>The incarnation recorded for <paramref name="nodeId"/>, if any.</summary>
    public string? IncarnationOf(string nodeId) => _known.TryGetValue(nodeId, out var known) ? known.Incarnation : null;

    /// <summary>
    /// Judges an answer of the node registered as <paramref name="registeredId"/>. A new incarnation is
    /// accepted and recorded (the node restarted, or rebuilt its data: its dots are new either way); an
    /// incarnation seen replaced before, or another node id, is refused.
    /// </summary>
    public IdentityVerdict Check(string registeredId, string answeredId, string incarnation, DateTimeOffset since, IReadOnlyList<string> previous)
    {
        if (!string.Equals(registeredId, answeredId, StringComparison.Ordinal))
        {
            return IdentityVerdict.Refuse(
                $"the process at this address answers as node '{answeredId}', not '{registeredId}': wrong address or port in storage_nodes, or a node started with another NodeId");
        }

        var known = _known.GetValueOrDefault(registeredId) ?? new Known(null, null, [], Persisted: false);
        if (string.Equals(known.Incarnation, incarnation, StringComparison.Ordinal))
        {
            return IdentityVerdict.Same;
        }

        if (known.Retired.Contains(incarnation))
        {
            return IdentityVerdict.Refuse(
                $"node '{registeredId}' answers with incarnation {incarnation}, which was replaced by {known.Incarnation}: " +
                "an older copy of its data directory (restored backup?) or a second process under its id. " +
                "Stop the other process, or restart this node so that it takes a new incarnation (POST /api/v1/identity/renew on the node)");
        }

        // Everything the node itself lists as earlier lives is retired too: a copy of those must never come back either.
        var retired = new List<string>(MaxRetired);
        if (known.Incarnation is not null)
        {
            retired.Add(known.Incarnation);
        }

        foreach (var id in previous)
        {
            if (retired.Count < MaxRetired && !retired.Contains(id) && id != incarnation)
            {
                retired.Add(id);
            }
        }

        foreach (var id in known.Retired)
        {
            if (retired.Count < MaxRetired && !retired.Contains(id) && id != incarnation)
            {
                retired.Add(id);
            }
        }

        _known[registeredId] = new Known(incarnation, since, [.. retired], Persisted: false);
        return IdentityVerdict.Changed(known.Incarnation, continuesRecorded: known.Incarnation is null || previous.Contains(known.Incarnation));
    }

    /// <summary>What storage_nodes must be told, or null when it already holds it.</summary>
    public (string Incarnation, DateTimeOffset? Since, string[] Retired)? Unpersisted(string nodeId) =>
        _known.TryGetValue(nodeId, out var known) && !known.Persisted && known.Incarnation is not null
            ? (known.Incarnation, known.Since, [.. known.Retired])
            : null;

    /// <summary>Marks <paramref name="incarnation"/> as written to storage_nodes (if it is still the current one).</summary>
    public void MarkPersisted(string nodeId, string incarnation)
    {
        if (_known.TryGetValue(nodeId, out var known) && known.Incarnation == incarnation)
        {
            _known.TryUpdate(nodeId, known with { Persisted = true }, known);
        }
    }

    /// <summary>Forgets nodes that are no longer registered.</summary>
    public void Retain(IReadOnlySet<string> nodeIds)
    {
        foreach (var nodeId in _known.Keys)
        {
            if (!nodeIds.Contains(nodeId))
            {
                _known.TryRemove(nodeId, out _);
            }
        }
    }

    private sealed record Known(string? Incarnation, DateTimeOffset? Since, HashSet<string> Retired, bool Persisted);
}

/// <summary>The outcome of <see cref="NodeIdentities.Check"/>.</summary>
public sealed record IdentityVerdict(bool Accepted, bool IsNew, string? PreviousIncarnation, bool ContinuesRecorded, string? Refusal)
{
    public static IdentityVerdict Same { get; } = new(true, false, null, true, null);

    public static IdentityVerdict Changed(string? previous, bool continuesRecorded) => new(true, true, previous, continuesRecorded, null);

    public static IdentityVerdict Refuse(string reason) => new(false, false, null, false, reason);
}
