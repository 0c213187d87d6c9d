using System.Diagnostics.Metrics;
using Microsoft.Extensions.Time.Testing;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Replication;
using PairDb.Coordinator.Ring;
using PairDb.Coordinator.Telemetry;
using PairDb.Coordinator.Tests.Support;

namespace PairDb.Coordinator.Tests.Replication;

/// <summary>
/// The coalescing batcher's bounds: a full queue refuses at once, a batch stops at its byte cap, and a call
/// whose deadline passes while it waits is failed, never sent. One slot and a held first batch make every
/// case deterministic: while the slot is held the pump takes nothing, so the queue is exactly what the test put in.
/// </summary>
public sealed class CallBatcherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly RingNode Node = new("storage-node-1", "127.0.0.1", 1, 2, "NORMAL", false, []);

    [Test]
    public async Task CallAsync_QueueFull_FailsAtOnceWithOverloadedAndIsNeverSent()
    {
        await using var harness = new Harness(new CallBatcherLimits(1, 1, 1_000_000, QueueCapacity: 2, TimeSpan.FromMinutes(1)));
        using var refused = harness.Counter(OverloadMetrics.ReplicaQueueFullTotal);
        var first = await harness.SendAndHoldAsync(new Call(1, 10));
        var queued = new[] { harness.Batcher.CallAsync(Node, new Call(2, 10), DateTime.MaxValue), harness.Batcher.CallAsync(Node, new Call(3, 10), DateTime.MaxValue) };

        var overflow = harness.Batcher.CallAsync(Node, new Call(4, 10), DateTime.MaxValue);

        Assert.That(overflow.IsFaulted, Is.True, "a call to a full queue fails at once, without waiting for a slot");
        var error = (PairDbException)overflow.Exception!.InnerException!;
        Assert.That(error.Code, Is.EqualTo(ErrorCode.Overloaded));
        Assert.That(ReplicaFailure.From(error).MaybeApplied, Is.False, "never sent: nothing written");
        Assert.That(refused.Total, Is.EqualTo(1));
        harness.Release();
        await Task.WhenAll(queued.Append(first)).WaitAsync(Patience);
        Assert.That(harness.SentIds(), Is.EqualTo(new[] { 1, 2, 3 }));
    }

    [Test]
    public async Task CallAsync_QueuedPastByteCap_SplitsBatchesAndSendsAnOversizedCallAlone()
    {
        await using var harness = new Harness(new CallBatcherLimits(1, 10, MaxBatchBytes: 100, 100, TimeSpan.FromMinutes(1)));
        var first = await harness.SendAndHoldAsync(new Call(1, 1));
        var sizes = new[] { 40, 40, 40, 150, 10 };
        var calls = sizes.Select((size, i) => harness.Batcher.CallAsync(Node, new Call(i + 2, size), DateTime.MaxValue)).ToArray();

        harness.Release();
        await Task.WhenAll(calls.Append(first)).WaitAsync(Patience);

        Assert.That(harness.BatchSizes(), Is.EqualTo(new[] { new[] { 1 }, [40, 40], [40], [150], [10] }));
    }

    [Test]
    public async Task CallAsync_ClientDeadlinePassesWhileQueued_FailsWithTimeoutAndIsNeverSent()
    {
        await using var harness = new Harness(new CallBatcherLimits(1, 10, 1_000_000, 100, TimeSpan.FromMinutes(1)));
        using var expired = harness.Counter(OverloadMetrics.ReplicaCallsExpiredTotal);
        var first = await harness.SendAndHoldAsync(new Call(1, 1));
        var late = harness.Batcher.CallAsync(Node, new Call(2, 1), harness.Now + TimeSpan.FromSeconds(1));
        var inTime = harness.Batcher.CallAsync(Node, new Call(3, 1), harness.Now + TimeSpan.FromSeconds(5));

        harness.Time.Advance(TimeSpan.FromSeconds(2));
        harness.Release();

        var error = Assert.ThrowsAsync<PairDbException>(() => late.WaitAsync(Patience))!;
        Assert.That(error.Code, Is.EqualTo(ErrorCode.Timeout));
        Assert.That(error.Message, Does.Contain("not sent"));
        Assert.That(ReplicaFailure.From(error).MaybeApplied, Is.False, "never sent: nothing written");
        await Task.WhenAll(first, inTime).WaitAsync(Patience);
        Assert.That(harness.SentIds(), Is.EqualTo(new[] { 1, 3 }));
        Assert.That(expired.Total, Is.EqualTo(1));
    }

    [Test]
    public async Task CallAsync_NoClientDeadline_TimeQueuedCountsAgainstTheQueueTimeout()
    {
        await using var harness = new Harness(new CallBatcherLimits(1, 10, 1_000_000, 100, QueueTimeout: TimeSpan.FromSeconds(1)));
        var first = await harness.SendAndHoldAsync(new Call(1, 1));
        var waiting = harness.Batcher.CallAsync(Node, new Call(2, 1), DateTime.MaxValue);

        harness.Time.Advance(TimeSpan.FromMilliseconds(1500));
        harness.Release();

        var error = Assert.ThrowsAsync<PairDbException>(() => waiting.WaitAsync(Patience))!;
        Assert.That(error.Code, Is.EqualTo(ErrorCode.Timeout));
        Assert.That(error.Message, Does.Contain("1500 ms in the queue"));
        await first.WaitAsync(Patience);
        Assert.That(harness.SentIds(), Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public async Task CallAsync_DeadlineAlreadyPassed_FailsAtOnceWithTimeoutWithoutSending()
    {
        await using var harness = new Harness(new CallBatcherLimits(1, 10, 1_000_000, 100, TimeSpan.FromMinutes(1)));

        var call = harness.Batcher.CallAsync(Node, new Call(1, 1), harness.Now);

        Assert.That(call.IsFaulted, Is.True);
        Assert.That(((PairDbException)call.Exception!.InnerException!).Code, Is.EqualTo(ErrorCode.Timeout));
        Assert.That(harness.SentIds(), Is.Empty);
    }

    private sealed record Call(int Id, int Size);

    private sealed record Answer(int Id);

    /// <summary>A batcher whose node records every batch and holds them all until <see cref="Release"/>.</summary>
    private sealed class Harness : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly IMeterFactory _meters;
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly SemaphoreSlim _sends = new(0);
        private readonly List<Call[]> _batches = [];

        public Harness(CallBatcherLimits limits)
        {
            _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
            _meters = _services.GetRequiredService<IMeterFactory>();
            Batcher = new CallBatcher<Call, Answer>(Node.NodeId, "test", SendAsync, static c => c.Size, limits, Time, new OverloadMetrics(_meters));
        }

        public FakeTimeProvider Time { get; } = new();

        public DateTime Now => Time.GetUtcNow().UtcDateTime;

        public CallBatcher<Call, Answer> Batcher { get; }

        public CounterRecorder Counter(string name) => new(_meters, name);

        /// <summary>Sends one call and returns once its batch is at the node (and held there, occupying the only slot).</summary>
        public async Task<Task<Answer>> SendAndHoldAsync(Call call)
        {
            var task = Batcher.CallAsync(Node, call, DateTime.MaxValue);
            Assert.That(await _sends.WaitAsync(Patience), Is.True, "waiting for the first batch to reach the node");
            return task;
        }

        public void Release() => _gate.TrySetResult();

        public int[] SentIds()
        {
            lock (_batches)
            {
                return _batches.SelectMany(b => b).Select(c => c.Id).ToArray();
            }
        }

        public int[][] BatchSizes()
        {
            lock (_batches)
            {
                return _batches.Select(b => b.Select(c => c.Size).ToArray()).ToArray();
            }
        }

        public ValueTask DisposeAsync()
        {
            Release();
            return _services.DisposeAsync();
        }

        private async ValueTask<IReadOnlyList<(Answer? Ok, OperationError? Error)>> SendAsync(RingNode node, List<Call> calls)
        {
            lock (_batches)
            {
                _batches.Add([.. calls]);
            }
            _sends.Release();
            await _gate.Task;
            return calls.Select(c => ((Answer?)new Answer(c.Id), (OperationError?)null)).ToList();
        }
    }
}
