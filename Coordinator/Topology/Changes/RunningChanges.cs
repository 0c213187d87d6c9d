using System.Collections.Concurrent;

namespace PairDb.Coordinator.Topology.Changes;

/// <summary>
/// The changes this process is running, so an operator's abort, restart or change-source can stop
/// the local run at once (a run in another coordinator notices at its next compare-and-set write).
/// </summary>
public sealed class RunningChanges
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _runs = new(StringComparer.Ordinal);

    /// <summary>Registers a run; disposing the result unregisters it.</summary>
    public Registration Start(string changeId, CancellationToken outer)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _runs[changeId] = source;
        return new Registration(this, changeId, source);
    }

    /// <summary>Cancels the local run of the change, if any; true when there was one.</summary>
    public bool Cancel(string changeId)
    {
        if (_runs.TryGetValue(changeId, out var source))
        {
            source.Cancel();
            return true;
        }
        return false;
    }

    public bool IsRunning(string changeId) => _runs.ContainsKey(changeId);

    public sealed class Registration(RunningChanges owner, string changeId, CancellationTokenSource source) : IDisposable
    {
        public CancellationToken Token => source.Token;

        public void Dispose()
        {
            owner._runs.TryRemove(new KeyValuePair<string, CancellationTokenSource>(changeId, source));
            source.Dispose();
        }
    }
}
