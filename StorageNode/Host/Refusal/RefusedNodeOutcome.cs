namespace PairDb.StorageNode.Refusal;

/// <summary>How a refused node's host ended.</summary>
public enum RefusedNodeOutcome
{
    /// <summary>Stopped (SIGTERM, Ctrl+C): the process exits.</summary>
    Stopped,

    /// <summary>The operator quarantined the files: the serving node is started next, on the emptied directory.</summary>
    Quarantined,
}
