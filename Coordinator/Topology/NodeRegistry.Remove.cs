using Microsoft.EntityFrameworkCore;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Topology.Changes;

namespace PairDb.Coordinator.Topology;

public sealed partial class NodeRegistry
{
    /// <summary>
    /// Starts the decommission of a NORMAL node: it becomes LEAVING (stays in the ring, keeps
    /// serving) with a <c>decommission</c> change that streams its ranges to their inheritors and
    /// then removes it. Refused when fewer than N NORMAL nodes would remain, unless
    /// <paramref name="force"/>; refused for a BOOTSTRAPPING node (abort its bootstrap instead).
    /// Idempotent: a LEAVING node returns its decommission.
    /// </summary>
    public async Task<NodeWithChange> RemoveAsync(string nodeId, bool force, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockMembershipAsync(db, cancellationToken);
        var rows = await db.StorageNodes.ToListAsync(cancellationToken);
        var node = rows.Find(r => string.Equals(r.NodeId, nodeId, StringComparison.Ordinal)) ?? throw NotFound(nodeId);
        if (node.State == NodeStates.Leaving)
        {
            return new NodeWithChange(node, await LatestChangeAsync(db, nodeId, cancellationToken));
        }
        if (node.State == NodeStates.Bootstrapping)
        {
            throw new MembershipException(MembershipFailure.Refused,
                $"storage node '{nodeId}' is BOOTSTRAPPING; stop its bootstrap with POST /api/v1/rebalance/abort {{\"target_node\": \"{nodeId}\"}} instead");
        }

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
        var othersActive = await AnyActiveChangeAsync(db, cancellationToken);
        var details = new ChangeDetails
        {
            VirtualNodes = node.VirtualNodes,
            Node = new NodeAddress(node.Host, node.GrpcPort, node.HttpPort, node.Scheme),
            Force = force,
            Waiting = othersActive ? "queued behind another topology change" : null,
        };
        var change = new PendingChangeRecord
        {
            ChangeId = Guid.CreateVersion7(now).ToString(),
            Type = ChangeTypes.Decommission,
            NodeId = nodeId,
            Status = othersActive ? ChangeStatuses.Pending : ChangeStatuses.InProgress,
            Progress = 0,
            StartTime = now,
            UpdatedAt = now,
            Details = details.ToJson(),
        };
        node.State = NodeStates.Leaving;
        node.UpdatedAt = now;
        db.PendingChanges.Add(change);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        LogNodeLeaving(nodeId, force, remaining);
        await ReloadAsync(CancellationToken.None);
        await ScheduleAsync(change.ChangeId);
        return new NodeWithChange(node, change);
    }

    /// <summary>Sets or clears the drain flag; NotFound when unknown. Returns the updated row.</summary>
    public async Task<StorageNodeRecord> SetDrainingAsync(string nodeId, bool draining, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
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
        await using var db = await OpenAsync(cancellationToken);
        var now = Now();
        var changed = await db.StorageNodes
            .Where(n => n.NodeId == nodeId && n.Status != status)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.Status, status).SetProperty(n => n.UpdatedAt, now), cancellationToken);
        return changed > 0;
    }

    /// <summary>Records the incarnation a node answered with and the ones it replaced (the health prober calls this).</summary>
    public async Task SetIncarnationAsync(string nodeId, string incarnation, DateTimeOffset? since, string[] retired, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        var now = Now();
        await db.StorageNodes
            .Where(n => n.NodeId == nodeId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(n => n.Incarnation, incarnation)
                .SetProperty(n => n.IncarnationSince, since)
                .SetProperty(n => n.RetiredIncarnations, retired)
                .SetProperty(n => n.UpdatedAt, now), cancellationToken);
    }
}
