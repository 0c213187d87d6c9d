using PairDb.Chaos.History;

namespace PairDb.Chaos.Workload;

/// <summary>Outcome counts shared by the clients, read by the progress reporter.</summary>
internal sealed class WorkloadCounters
{
    private int _ok;
    private int _fail;
    private int _unknown;

    public void Count(OpOutcome outcome)
    {
        switch (outcome)
        {
            case OpOutcome.Ok:
                Interlocked.Increment(ref _ok);
                break;
            case OpOutcome.Fail:
                Interlocked.Increment(ref _fail);
                break;
            default:
                Interlocked.Increment(ref _unknown);
                break;
        }
    }

    public WorkloadProgress Snapshot(TimeSpan elapsed)
    {
        var ok = Volatile.Read(ref _ok);
        var fail = Volatile.Read(ref _fail);
        var unknown = Volatile.Read(ref _unknown);
        return new WorkloadProgress(elapsed, ok + fail + unknown, ok, fail, unknown);
    }
}
