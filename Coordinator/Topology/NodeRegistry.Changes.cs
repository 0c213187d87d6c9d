using Microsoft.EntityFrameworkCore;
using PairDb.Coordinator.Data;

namespace PairDb.Coordinator.Topology;

public sealed partial class NodeRegistry
{
    /// <summary>
    /// The cutover of a change, in one transaction under the membership lock: a bootstrap's node
    /// becomes NORMAL, a decommission's node row is deleted, and the change becomes completed with
    /// the details <paramref name="finalize"/> returns (it sees the rows before the change applies,
    /// and returns null when the change is no longer the one its caller drives). Returns false, and
    /// changes nothing, when the change is not in_progress any more or its node row is gone.
    /// </summary>
    public async Task<bool> CompleteChangeAsync(
        string changeId, Func<PendingChangeRecord, List<StorageNodeRecord>, DateTimeOffset, string?> finalize, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockMembershipAsync(db, cancellationToken);
        var change = await db.PendingChanges.SingleOrDefaultAsync(c => c.ChangeId == changeId, cancellationToken);
        if (change is null || change.Status != ChangeStatuses.InProgress)
        {
            return false;
        }
        var rows = await db.StorageNodes.ToListAsync(cancellationToken);
        var node = rows.Find(r => string.Equals(r.NodeId, change.NodeId, StringComparison.Ordinal));
        var expected = change.Type == ChangeTypes.Bootstrap ? NodeStates.Bootstrapping : NodeStates.Leaving;
        if (node is null || node.State != expected)
        {
            return false;
        }
        var now = Now();
        var details = finalize(change, rows, now);
        if (details is null)
        {
            return false;
        }
        if (change.Type == ChangeTypes.Bootstrap)
        {
            node.State = NodeStates.Normal;
            node.UpdatedAt = now;
        }
        else
        {
            db.StorageNodes.Remove(node);
        }
        change.Status = ChangeStatuses.Completed;
        change.Progress = 100;
        change.CompletedAt = now;
        change.UpdatedAt = now;
        change.Error = null;
        change.Details = details;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        LogChangeCompleted(change.ChangeId, change.Type, change.NodeId);
        await ReloadAsync(CancellationToken.None);
        return true;
    }

    /// <summary>
    /// Rolls a change back to exactly the ring before it, in one transaction under the membership
    /// lock: a bootstrap's node row is deleted, a decommission's node is NORMAL again, and the change
    /// becomes aborted with the details <paramref name="finalize"/> returns (it sees the rows before
    /// the rollback). Only pending, in_progress or failed changes can be aborted; anything else is
    /// refused with a message that says why. Returns the change as stored.
    /// </summary>
    public async Task<PendingChangeRecord> AbortChangeAsync(
        string changeId, Func<PendingChangeRecord, List<StorageNodeRecord>, DateTimeOffset, string> finalize, CancellationToken cancellationToken)
    {
        await using var db = await OpenAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockMembershipAsync(db, cancellationToken);
        var change = await db.PendingChanges.SingleOrDefaultAsync(c => c.ChangeId == changeId, cancellationToken)
            ?? throw new MembershipException(MembershipFailure.NotFound, $"topology change '{changeId}' does not exist");
        if (change.Status is not (ChangeStatuses.Pending or ChangeStatuses.InProgress or ChangeStatuses.Failed))
        {
            throw new MembershipException(MembershipFailure.Invalid,
                $"topology change '{changeId}' is {change.Status}; only a pending, in_progress or failed change can be aborted");
        }
        var rows = await db.StorageNodes.ToListAsync(cancellationToken);
        var now = Now();
        change.Details = finalize(change, rows, now);
        var node = rows.Find(r => string.Equals(r.NodeId, change.NodeId, StringComparison.Ordinal));
        if (change.Type == ChangeTypes.Bootstrap && node is { State: NodeStates.Bootstrapping })
        {
            db.StorageNodes.Remove(node);
        }
        else if (change.Type == ChangeTypes.Decommission && node is { State: NodeStates.Leaving })
        {
            node.State = NodeStates.Normal;
            node.UpdatedAt = now;
        }
        change.Status = ChangeStatuses.Aborted;
        change.CompletedAt = now;
        change.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        LogChangeAborted(change.ChangeId, change.Type, change.NodeId);
        await ReloadAsync(CancellationToken.None);
        return change;
    }
}
