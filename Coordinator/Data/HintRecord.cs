namespace PairDb.Coordinator.Data;

/// <summary>
/// A row of <c>hints</c>: a replica write that failed and must be replayed to its target
/// (runbook 5.4: hint_id, target_node_id, replay_count, created_at).
/// </summary>
public sealed class HintRecord
{
    public long HintId { get; set; }

    /// <summary>
    /// The hint's identity across the COPY and the local spool (issue 15): unique, so a hint stored by a COPY that
    /// committed after its budget and moved again from the spool is one row.
    /// </summary>
    public Guid HintUid { get; set; }

    public required string TargetNodeId { get; set; }

    public required string TenantId { get; set; }

    public required byte[] Key { get; set; }

    /// <summary>The versioned value to write, as SiblingSetFormat bytes.</summary>
    public required byte[] Payload { get; set; }

    /// <summary>Length of <see cref="Payload"/>, kept so that per-target byte caps are one SUM away.</summary>
    public int PayloadSize { get; set; }

    public int ReplayCount { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the replay job may try this hint next (backoff after a failure).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }
}
