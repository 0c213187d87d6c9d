namespace PairDb.Coordinator.Replication;

/// <summary>
/// Tracks the replica writes of one client write after its coordinator replica answered. Decided
/// once W replicas acknowledged or no replica is still pending. Hints of failures seen before the
/// decision are collected so the client is answered only after they commit; later failures are
/// hinted in the background.
/// </summary>
internal sealed class WriteRound
{
    private readonly Lock _gate = new();
    private readonly int _needed;
    private readonly TaskCompletionSource<bool> _decision = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _acks;
    private int _pending;
    private bool _decided;
    private List<Task>? _hints;

    public WriteRound(int needed, int acks, int pending)
    {
        _needed = needed;
        _acks = acks;
        _pending = pending;
    }

    /// <summary>True when W was reached; false when every replica answered and W was not.</summary>
    public Task<bool> Decision => _decision.Task;

    public int Acks
    {
        get
        {
            lock (_gate)
            {
                return _acks;
            }
        }
    }

    /// <summary>A hint stored before any replica write was sent (unavailable replica, refused coordination).</summary>
    public void AddEarlyHint(Task hint)
    {
        lock (_gate)
        {
            (_hints ??= []).Add(hint);
        }
    }

    /// <summary>Decides at once if nothing is pending or W is already met (W = 1).</summary>
    public void Start()
    {
        lock (_gate)
        {
            DecideIfDue();
        }
    }

    public void Succeeded()
    {
        lock (_gate)
        {
            _acks++;
            _pending--;
            DecideIfDue();
        }
    }

    /// <summary>Records a failed replica write; false when the client was already answered (hint it in the background).</summary>
    public bool Failed(Task hint)
    {
        lock (_gate)
        {
            _pending--;
            if (_decided)
            {
                return false;
            }
            (_hints ??= []).Add(hint);
            DecideIfDue();
            return true;
        }
    }

    /// <summary>The hints to await before answering; complete once <see cref="Decision"/> is.</summary>
    public Task? HintsBeforeAnswer()
    {
        lock (_gate)
        {
            return _hints is null ? null : Task.WhenAll(_hints);
        }
    }

    private void DecideIfDue()
    {
        if (!_decided && (_acks >= _needed || _pending == 0))
        {
            _decided = true;
            _decision.TrySetResult(_acks >= _needed);
        }
    }
}
