using PairDb.Engine;

namespace PairDb.StorageNode.Refusal;

/// <summary>
/// Why this node is not serving (the engine's refusal, verbatim) and, once the operator has quarantined the files,
/// the report of that: the refused host then stops and the node starts serving, empty.
/// </summary>
public sealed class RefusalState(string nodeId, ManifestUnavailableException refusal, LsmEngineOptions engineOptions)
{
    /// <summary>The operator's two ways out, as shown by <c>/health</c> and errors.</summary>
    public const string Recovery =
        "restore MANIFEST from a backup and restart the node; or, to rebuild this node from its replicas, POST /api/v1/recovery/quarantine "
        + "(or start once with PairDb:StorageNode:Engine:QuarantineUnaccountedFiles=true): the files are moved to quarantine-<UTC timestamp>/, "
        + "IDENTITY is removed, and the node starts empty";

    private readonly Lock _lock = new();

    public string NodeId { get; } = nodeId;

    public ManifestUnavailableException Refusal { get; } = refusal;

    public LsmEngineOptions EngineOptions { get; } = engineOptions;

    /// <summary>The engine's message: data directory, problem, files found, what to do.</summary>
    public string Reason => Refusal.Message;

    public QuarantineReport? Quarantined { get; private set; }

    /// <summary>Runs the quarantine once; a second call returns the first report.</summary>
    public QuarantineReport Quarantine()
    {
        lock (_lock)
        {
            return Quarantined ??= LsmEngine.QuarantineUnaccountedFiles(EngineOptions);
        }
    }
}
