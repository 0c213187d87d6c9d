using System.Collections.Concurrent;
using PairDb.Coordinator.Data;

namespace PairDb.Coordinator.Nodes;

/// <summary>
/// Which nodes are UP or DOWN as this coordinator last observed them (the health prober writes,
/// the data path reads). In memory: the data path never asks PostgreSQL. A node never probed yet is
/// <see cref="NodeStatuses.Unknown"/>, which the data path should treat as worth trying.
/// </summary>
public sealed class NodeLiveness
{
    private readonly ConcurrentDictionary<string, string> _status = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _reasons = new(StringComparer.Ordinal);

    /// <summary>Raised when a node's status changes: (node id, new status).</summary>
    public event Action<string, string>? Changed;

    public string StatusOf(string nodeId) => _status.TryGetValue(nodeId, out var status) ? status : NodeStatuses.Unknown;

    /// <summary>True only for a node last seen DOWN.</summary>
    public bool IsDown(string nodeId) => _status.TryGetValue(nodeId, out var status) && status == NodeStatuses.Down;

    /// <summary>Records a status; returns whether it differs from the previous one.</summary>
    public bool Set(string nodeId, string status)
    {
        var previous = _status.GetValueOrDefault(nodeId);
        if (previous == status)
        {
            return false;
        }
        _status[nodeId] = status;
        Changed?.Invoke(nodeId, status);
        return true;
    }

    /// <summary>Why a node is refused although it answers (e.g. it identifies as another node); null otherwise.</summary>
    public string? ReasonOf(string nodeId) => _reasons.GetValueOrDefault(nodeId);

    /// <summary>Records (or clears, with null) why a node is refused; returns whether it changed.</summary>
    public bool SetReason(string nodeId, string? reason)
    {
        if (reason is null)
        {
            return _reasons.TryRemove(nodeId, out _);
        }

        var previous = _reasons.GetValueOrDefault(nodeId);
        _reasons[nodeId] = reason;
        return previous != reason;
    }

    /// <summary>Forgets nodes that are no longer registered.</summary>
    public void Retain(IReadOnlySet<string> nodeIds)
    {
        foreach (var nodeId in _status.Keys)
        {
            if (!nodeIds.Contains(nodeId))
            {
                _status.TryRemove(nodeId, out _);
                _reasons.TryRemove(nodeId, out _);
            }
        }
    }
}
