using System.Threading.Channels;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Telemetry;

namespace PairDb.Coordinator.Replication;

/// <summary>
/// Coalesces concurrent calls of one kind to one node into batch RPCs (DESIGN.md 4, issue item 7).
/// At most <c>concurrency</c> batches are in flight per node; while they are, new calls queue and
/// leave together in the next batch, which the node applies as one engine write with one group
/// commit. An idle node therefore sees single-item batches sent at once (no added latency), a busy
/// one fewer, larger RPCs. A batch-level failure fails every item in it; an item's error fails that
/// item alone, as a <see cref="PairDbException"/> carrying the node's code.
/// <para>
/// Bounded (issue 13): the queue holds at most <see cref="CallBatcherLimits.QueueCapacity"/> calls; one
/// more fails at once with OVERLOADED. A batch takes calls until MaxBatchItems or MaxBatchBytes, whichever
/// comes first (a single call over the byte cap goes alone). Time spent queued counts against the call's
/// deadline, the earlier of the client's deadline and <see cref="CallBatcherLimits.QueueTimeout"/> after it
/// was queued: a call found past it when its batch is formed fails with TIMEOUT. Both refusals happen
/// before anything is sent, so they mean "nothing written" to <see cref="ReplicaFailure"/>.
/// </para>
/// </summary>
public sealed class CallBatcher<TRequest, TReply>
{
    private readonly Channel<Pending> _queue;
    private readonly Func<RingNode, List<TRequest>, ValueTask<IReadOnlyList<(TReply? Ok, OperationError? Error)>>> _send;
    private readonly Func<TRequest, int> _size;
    private readonly SemaphoreSlim _slots;
    private readonly CallBatcherLimits _limits;
    private readonly string _nodeId;
    private readonly string _operation;
    private readonly TimeProvider _time;
    private readonly OverloadMetrics _metrics;

    /// <param name="nodeId">The node every call goes to (metrics and messages).</param>
    /// <param name="operation">The kind of call (metrics and messages).</param>
    /// <param name="send">Sends one batch; results in request order.</param>
    /// <param name="size">A request's encoded size in bytes, for the byte cap.</param>
    public CallBatcher(
        string nodeId,
        string operation,
        Func<RingNode, List<TRequest>, ValueTask<IReadOnlyList<(TReply? Ok, OperationError? Error)>>> send,
        Func<TRequest, int> size,
        CallBatcherLimits limits,
        TimeProvider time,
        OverloadMetrics metrics)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.Concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxBatchItems, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxBatchBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.QueueCapacity, 1);
        _nodeId = nodeId;
        _operation = operation;
        _send = send;
        _size = size;
        _limits = limits;
        _time = time;
        _metrics = metrics;
        _slots = new SemaphoreSlim(limits.Concurrency, limits.Concurrency);
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(limits.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _ = Task.Run(PumpAsync);
    }

    /// <summary>
    /// Queues a call; the task faults with OVERLOADED at once when the queue is full, with TIMEOUT when
    /// <paramref name="deadline"/> (UTC; <see cref="DateTime.MaxValue"/> for none) passes before it is sent.
    /// </summary>
    public Task<TReply> CallAsync(RingNode node, TRequest request, DateTime deadline)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var pending = new Pending(node, request, _size(request), now, Earlier(deadline, now + _limits.QueueTimeout));
        if (pending.Deadline <= now)
        {
            return Task.FromException<TReply>(Expired(pending, now));
        }
        if (!_queue.Writer.TryWrite(pending))
        {
            _metrics.ReplicaQueueFull(_nodeId, _operation);
            return Task.FromException<TReply>(new PairDbException(ErrorCode.Overloaded,
                $"{_limits.QueueCapacity} {_operation} calls already wait for node {_nodeId}; not sent, retry after a backoff"));
        }
        return pending.Reply.Task;
    }

    /// <summary>
    /// The single reader: waits for a free slot, then takes what is queued into one batch. Nothing in
    /// the loop can throw but the channel itself, and it is never completed.
    /// </summary>
    private async Task PumpAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            await _slots.WaitAsync().ConfigureAwait(false);
            var batch = TakeBatch(reader);
            if (batch is null)
            {
                _slots.Release();
                continue;
            }
            _ = SendAsync(batch);
        }
    }

    /// <summary>
    /// Takes queued calls up to the item and byte caps, failing those already past their deadline
    /// (they were never sent). Peeking first is safe: this is the queue's only reader.
    /// </summary>
    private List<Pending>? TakeBatch(ChannelReader<Pending> reader)
    {
        List<Pending>? batch = null;
        long bytes = 0;
        var now = _time.GetUtcNow().UtcDateTime;
        while ((batch?.Count ?? 0) < _limits.MaxBatchItems && reader.TryPeek(out var next))
        {
            if (next.Deadline <= now)
            {
                reader.TryRead(out _);
                next.Reply.TrySetException(Expired(next, now));
                continue;
            }
            if (batch is not null && bytes + next.Size > _limits.MaxBatchBytes)
            {
                break;
            }
            reader.TryRead(out _);
            (batch ??= []).Add(next);
            bytes += next.Size;
        }
        return batch;
    }

    private PairDbException Expired(Pending pending, DateTime now)
    {
        _metrics.ReplicaCallExpired(_nodeId, _operation);
        var waited = (now - pending.QueuedAt).TotalMilliseconds;
        return new PairDbException(ErrorCode.Timeout,
            $"{_operation} call to node {_nodeId} reached its deadline after {waited:0} ms in the queue; not sent, nothing written");
    }

    private async Task SendAsync(List<Pending> batch)
    {
        try
        {
            var requests = new List<TRequest>(batch.Count);
            foreach (var pending in batch)
            {
                requests.Add(pending.Request);
            }
            // The newest address of the node: every item names the same node id.
            var results = await _send(batch[^1].Node, requests);
            for (var i = 0; i < batch.Count; i++)
            {
                var (ok, error) = i < results.Count ? results[i] : (default, null);
                if (error is not null)
                {
                    var failure = error.ToPairDbError();
                    batch[i].Reply.TrySetException(new PairDbException(failure.Code, failure.Message));
                }
                else if (ok is not null)
                {
                    batch[i].Reply.TrySetResult(ok);
                }
                else
                {
                    batch[i].Reply.TrySetException(new PairDbException(ErrorCode.Internal, "the node's batch reply has no result for this item"));
                }
            }
        }
        catch (Exception e)
        {
            foreach (var pending in batch)
            {
                pending.Reply.TrySetException(e);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private static DateTime Earlier(DateTime a, DateTime b) => a <= b ? a : b;

    private sealed class Pending(RingNode node, TRequest request, int size, DateTime queuedAt, DateTime deadline)
    {
        public RingNode Node { get; } = node;

        public TRequest Request { get; } = request;

        public int Size { get; } = size;

        public DateTime QueuedAt { get; } = queuedAt;

        public DateTime Deadline { get; } = deadline;

        public TaskCompletionSource<TReply> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>The bounds of one <see cref="CallBatcher{TRequest, TReply}"/>; see <see cref="Options.ReplicationOptions"/>.</summary>
/// <param name="Concurrency">Batch RPCs in flight at once.</param>
/// <param name="MaxBatchItems">Most calls in one batch RPC.</param>
/// <param name="MaxBatchBytes">Most request bytes in one batch RPC (a larger single call goes alone).</param>
/// <param name="QueueCapacity">Calls that may wait for a slot; one more is refused with OVERLOADED.</param>
/// <param name="QueueTimeout">Longest a call may wait queued when its caller has no earlier deadline.</param>
public readonly record struct CallBatcherLimits(int Concurrency, int MaxBatchItems, long MaxBatchBytes, int QueueCapacity, TimeSpan QueueTimeout);
