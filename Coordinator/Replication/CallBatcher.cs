using System.Threading.Channels;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Ring;

namespace PairDb.Coordinator.Replication;

/// <summary>
/// Coalesces concurrent calls of one kind to one node into batch RPCs (DESIGN.md 4, issue item 7).
/// At most <c>concurrency</c> batches are in flight per node; while they are, new calls queue and
/// leave together in the next batch, which the node applies as one engine write with one group
/// commit. An idle node therefore sees single-item batches sent at once (no added latency), a busy
/// one fewer, larger RPCs. A batch-level failure fails every item in it; an item's error fails that
/// item alone, as a <see cref="PairDbException"/> carrying the node's code.
/// </summary>
internal sealed class CallBatcher<TRequest, TReply>
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<RingNode, List<TRequest>, ValueTask<IReadOnlyList<(TReply? Ok, OperationError? Error)>>> _send;
    private readonly SemaphoreSlim _slots;
    private readonly int _maxBatch;

    public CallBatcher(Func<RingNode, List<TRequest>, ValueTask<IReadOnlyList<(TReply? Ok, OperationError? Error)>>> send, int concurrency, int maxBatch)
    {
        _send = send;
        _slots = new SemaphoreSlim(concurrency, concurrency);
        _maxBatch = maxBatch;
        _ = Task.Run(PumpAsync);
    }

    public Task<TReply> CallAsync(RingNode node, TRequest request)
    {
        var pending = new Pending(node, request);
        _queue.Writer.TryWrite(pending);
        return pending.Reply.Task;
    }

    /// <summary>
    /// The single reader: waits for a free slot, then takes everything queued (up to the batch size).
    /// Nothing in the loop can throw but the channel itself, and it is never completed.
    /// </summary>
    private async Task PumpAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            await _slots.WaitAsync().ConfigureAwait(false);
            var batch = new List<Pending>();
            while (batch.Count < _maxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }
            if (batch.Count == 0)
            {
                _slots.Release();
                continue;
            }
            _ = SendAsync(batch);
        }
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

    private sealed class Pending(RingNode node, TRequest request)
    {
        public RingNode Node { get; } = node;

        public TRequest Request { get; } = request;

        public TaskCompletionSource<TReply> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
