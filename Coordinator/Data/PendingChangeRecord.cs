namespace PairDb.Coordinator.Data;

/// <summary>
/// A row of <c>pending_changes</c>: one topology change (runbook 5.1-5.4: change_id, type, node_id,
/// status, progress, start_time, completed_at). Rows stay after completion: the runbook's cleanup
/// queries look for completed decommissions by <c>completed_at</c>.
/// </summary>
public sealed class PendingChangeRecord
{
    /// <summary>
    /// Text, not uuid, so that the runbook's commands run as printed, placeholder and all
    /// (<c>WHERE change_id='&lt;change-id&gt;'</c> would be a type error against a uuid column).
    /// </summary>
    public required string ChangeId { get; set; }

    /// <summary>One of <see cref="ChangeTypes"/>.</summary>
    public required string Type { get; set; }

    public required string NodeId { get; set; }

    /// <summary>One of <see cref="ChangeStatuses"/>.</summary>
    public required string Status { get; set; }

    /// <summary>0..100.</summary>
    public int Progress { get; set; }

    public DateTimeOffset StartTime { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Change-specific facts as a JSON object (jsonb): ranges, sources, phase, counters.</summary>
    public string Details { get; set; } = "{}";

    /// <summary>Why the change failed, when it did.</summary>
    public string? Error { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
