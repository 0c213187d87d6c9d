namespace PairDb.Coordinator.Data;

/// <summary>Values of <c>storage_nodes.state</c>, the runbook's words (section 5).</summary>
public static class NodeStates
{
    /// <summary>In the ring, owning its tokens.</summary>
    public const string Normal = "NORMAL";

    /// <summary>Registered, not in the ring yet.</summary>
    public const string Bootstrapping = "BOOTSTRAPPING";

    /// <summary>Still in the ring while its ranges stream away.</summary>
    public const string Leaving = "LEAVING";

    /// <summary>States whose tokens are part of the ring that places keys.</summary>
    public static bool IsRingMember(string state) => state is Normal or Leaving;
}

/// <summary>Values of <c>storage_nodes.status</c>: liveness as the coordinator last observed it.</summary>
public static class NodeStatuses
{
    public const string Up = "UP";

    public const string Down = "DOWN";

    /// <summary>Registered and not probed yet.</summary>
    public const string Unknown = "UNKNOWN";
}

/// <summary>Values of <c>pending_changes.type</c> (runbook 5.1-5.2 queries).</summary>
public static class ChangeTypes
{
    public const string Bootstrap = "bootstrap";

    public const string Decommission = "decommission";
}

/// <summary>Values of <c>pending_changes.status</c> (runbook 5.3-5.4 queries).</summary>
public static class ChangeStatuses
{
    public const string Pending = "pending";

    public const string InProgress = "in_progress";

    public const string Completed = "completed";

    public const string Failed = "failed";

    /// <summary>
    /// Completed, and every node that gave ranges up has dropped them (or was gone): the cleanup job
    /// moves a change here, so the runbook's "still completed 24 h after completion" query (5.4) lists
    /// only changes whose cleanup is stuck.
    /// </summary>
    public const string CleanedUp = "cleaned_up";

    /// <summary>Rolled back by the operator before cutover: the ring is exactly what it was before the change.</summary>
    public const string Aborted = "aborted";

    /// <summary>Statuses a runner still drives: nothing else may change the change's node meanwhile.</summary>
    public static bool IsActive(string status) => status is Pending or InProgress;
}
