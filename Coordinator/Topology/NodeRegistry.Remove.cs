using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using PairDb.Coordinator.Data;

namespace PairDb.Coordinator.Topology;

public sealed partial class NodeRegistry
{
    /// <summary>
    /// Removes a node from the ring and from storage_nodes, recorded as a completed decommission.
    /// Refused when fewer than N NORMAL nodes would remain, unless <paramref name="force"/>.
    /// In this version nothing streams (streaming decommission replaces this with LEAVING and a job);
    /// the node's replicas are restored by repair. The returned record is the node as it was.
    /// </summary>
    public async Task<NodeWithChange> RemoveAsync(string nodeId, bool force, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockMembershipAsync(db, cancellationToken);
        var rows = await db.StorageNodes.ToListAsync(cancellationToken);
        var node = rows.Find(r => string.Equals(r.NodeId, nodeId, StringComparison.Ordinal)) ?? throw NotFound(nodeId);

        var remaining = 0;
        foreach (var row in rows)
        {
            if (row != node && row.State == NodeStates.Normal)
            {
                remaining++;
            }
        }
        var replicationFactor = _ringOptions.Value.ReplicationFactor;
        if (remaining < replicationFactor && !force)
        {
            throw new MembershipException(MembershipFailure.Refused,
                $"removing storage node '{nodeId}' would leave {remaining} NORMAL node(s), fewer than the replication factor {replicationFactor}; pass force=true to remove it anyway");
        }

        var now = Now();
        var change = new PendingChangeRecord
        {
            ChangeId = Guid.CreateVersion7(now).ToString(),
            Type = ChangeTypes.Decommission,
            NodeId = nodeId,
            Status = ChangeStatuses.Completed,
            Progress = 100,
            StartTime = now,
            CompletedAt = now,
            UpdatedAt = now,
            Details = JsonSerializer.Serialize(new { mode = "immediate", force, state_before = node.State, remaining_normal = remaining }),
        };
        db.StorageNodes.Remove(node);
        db.PendingChanges.Add(change);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        LogNodeRemoved(nodeId, force, remaining);
        await ReloadAsync(CancellationToken.None);
        return new NodeWithChange(node, change);
    }

    /// <summary>Sets or clears the drain flag; NotFound when unknown. Returns the updated row.</summary>
    public async Task<StorageNodeRecord> SetDrainingAsync(string nodeId, bool draining, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockMembershipAsync(db, cancellationToken);
        var rows = await db.StorageNodes.ToListAsync(cancellationToken);
        var node = rows.Find(r => string.Equals(r.NodeId, nodeId, StringComparison.Ordinal)) ?? throw NotFound(nodeId);
        if (node.Draining != draining)
        {
            node.Draining = draining;
            node.UpdatedAt = Now();
            await db.SaveChangesAsync(cancellationToken);
            LogDrainChanged(nodeId, draining);
        }
        await transaction.CommitAsync(cancellationToken);
        await ReloadAsync(CancellationToken.None);
        return node;
    }

    /// <summary>
    /// Records a node's observed liveness. Writes only when the stored status differs, so a steady
    /// cluster costs no writes; returns whether a row changed.
    /// </summary>
    public async Task<bool> SetStatusAsync(string nodeId, string status, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var now = Now();
        var changed = await db.StorageNodes
            .Where(n => n.NodeId == nodeId && n.Status != status)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.Status, status).SetProperty(n => n.UpdatedAt, now), cancellationToken);
        return changed > 0;
    }
}
