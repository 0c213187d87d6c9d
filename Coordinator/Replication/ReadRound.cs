using Google.Protobuf;

namespace PairDb.Coordinator.Replication;

/// <summary>
/// The replies of one quorum read. Decided once R replicas answered (found or not) or none is
/// pending; <see cref="Completed"/> fires when every replica answered, for read repair.
/// A reply is the replica's SiblingSetFormat bytes, or empty when it holds nothing.
/// </summary>
internal sealed class ReadRound
{
    private readonly Lock _gate = new();
    private readonly int _needed;
    private readonly TaskCompletionSource<bool> _decision = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _ok;
    private int _pending;
    private bool _decided;

    public ReadRound(int replicas, int needed, int pending)
    {
        _needed = needed;
        _pending = pending;
        Replies = new ByteString?[replicas];
        Failures = new ReplicaFailure?[replicas];
    }

    /// <summary>Per replica: its set's bytes (empty = nothing stored), or null when it did not answer.</summary>
    public ByteString?[] Replies { get; }

    public ReplicaFailure?[] Failures { get; }

    public Task<bool> Decision => _decision.Task;

    public Task Completed => _completed.Task;

    public void Answered(int replica, ByteString versions)
    {
        lock (_gate)
        {
            Replies[replica] = versions;
            _ok++;
            Finish();
        }
    }

    public void Failed(int replica, ReplicaFailure failure)
    {
        lock (_gate)
        {
            Failures[replica] = failure;
            Finish();
        }
    }

    /// <summary>A consistent copy of the replies received so far.</summary>
    public ByteString?[] Snapshot()
    {
        lock (_gate)
        {
            return (ByteString?[])Replies.Clone();
        }
    }

    private void Finish()
    {
        _pending--;
        if (!_decided && (_ok >= _needed || _pending == 0))
        {
            _decided = true;
            _decision.TrySetResult(_ok >= _needed);
        }
        if (_pending == 0)
        {
            _completed.TrySetResult();
        }
    }
}
