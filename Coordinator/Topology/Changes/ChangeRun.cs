using PairDb.Coordinator.Data;

namespace PairDb.Coordinator.Topology.Changes;

/// <summary>
/// One run of one change: the row as loaded, its details (mutated by the stream tasks under
/// <see cref="Gate"/>), and the run's cancellation, which an operator action, a lost
/// compare-and-set or shutdown triggers.
/// </summary>
internal sealed class ChangeRun : IDisposable
{
    private readonly CancellationTokenSource _stop;

    public ChangeRun(PendingChangeRecord change, ChangeDetails details, ChangeLock lease, CancellationToken token)
    {
        ChangeId = change.ChangeId;
        Type = change.Type;
        NodeId = change.NodeId;
        Status = change.Status;
        Details = details;
        Revision = details.Revision;
        ProgressFloor = change.Progress;
        Lease = lease;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(token);
    }

    public string ChangeId { get; }

    public string Type { get; }

    public string NodeId { get; }

    public bool IsBootstrap => Type == ChangeTypes.Bootstrap;

    /// <summary>The status the run last wrote (pending or in_progress): the compare-and-set's expectation.</summary>
    public string Status { get; set; }

    public ChangeDetails Details { get; }

    /// <summary>The revision the run started from; writes hold only while the row still has it.</summary>
    public int Revision { get; }

    public ChangeLock Lease { get; }

    /// <summary>
    /// The highest progress written so far: a resumed pull gets a fresh estimate of the keys left,
    /// which must not make the operator's progress bar go backwards.
    /// </summary>
    public int ProgressFloor { get; set; }

    /// <summary>Guards <see cref="Details"/> against the concurrent stream tasks and the progress writer.</summary>
    public Lock Gate { get; } = new();

    public CancellationToken Token => _stop.Token;

    /// <summary>Per gainer, this process's count of delivered pending writes when the run began driving the change.</summary>
    public Dictionary<string, long> PendingBaseline { get; } = new(StringComparer.Ordinal);

    /// <summary>details.pending_writes_delivered when the run began driving the change.</summary>
    public long PendingAtStart { get; set; }

    /// <summary>Why the run stopped itself, once it has.</summary>
    public string? StopReason { get; private set; }

    public void Stop(string reason)
    {
        StopReason ??= reason;
        _stop.Cancel();
    }

    /// <summary>Records what the change waits for (null: nothing), shown by the status endpoint.</summary>
    public void SetWaiting(string? why)
    {
        lock (Gate)
        {
            Details.Waiting = why;
        }
    }

    public void Dispose() => _stop.Dispose();
}

/// <summary>The change cannot go on (a target's disk is full, a node refuses the request): it becomes failed with this message.</summary>
public sealed class ChangeFailedException(string message) : Exception(message);

/// <summary>What a run ended with; the job unschedules itself after <see cref="Finished"/>.</summary>
public enum RunOutcome
{
    /// <summary>Another session holds the change's lock: it is being run elsewhere.</summary>
    Busy,

    /// <summary>The change waits (for the operator, or behind an overlapping change).</summary>
    Waiting,

    /// <summary>The run stopped early (operator action, lost compare-and-set, shutdown); a later run resumes.</summary>
    Stopped,

    /// <summary>The change is terminal (completed, failed, aborted, or gone).</summary>
    Finished,
}
