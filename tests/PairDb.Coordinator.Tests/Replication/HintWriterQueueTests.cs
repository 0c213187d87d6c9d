using PairDb.Contracts.Errors;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Telemetry;
using PairDb.Coordinator.Tests.Support;

namespace PairDb.Coordinator.Tests.Replication;

/// <summary>
/// The hint writer's in-memory bound (items and bytes): past it a hint fails at once with OVERLOADED saying
/// the hint queue is full, counted and logged; room comes back when a COPY ends (or its batch is spooled). The writer
/// is not started (or its database is unreachable), so what the test queues stays queued until the test lets it go.
/// </summary>
public sealed class HintWriterQueueTests
{
    private const string Target = "storage-node-3";

    [Test]
    public async Task StoreAsync_QueueAtItsHintLimit_FailsAtOnceWithOverloadedCountedAndLogged()
    {
        await using var harness = new HintPath(new HintOptions { MaxQueuedHints = 2, MaxInsertBatch = 1 });
        using var refused = harness.Counter(OverloadMetrics.HintsQueueFullTotal);
        var queued = new[] { harness.Store(10), harness.Store(10) };

        var overflow = harness.Store(10);

        Assert.That(overflow.IsFaulted, Is.True, "refused at once, not queued");
        var error = (PairDbException)overflow.Exception!.InnerException!;
        Assert.That(error.Code, Is.EqualTo(ErrorCode.Overloaded));
        Assert.That(error.Message, Does.Contain("hint queue is full"));
        Assert.That(refused.Total, Is.EqualTo(1));
        Assert.That(harness.Backlog.CountOf(Target), Is.EqualTo(2), "the refused hint gave its cap reservation back");
        Assert.That(harness.Log.Messages, Has.Some.Contains($"Hint queue full target_node_id={Target}"));
        Assert.That(queued.All(t => !t.IsCompleted), Is.True);
    }

    [Test]
    public async Task StoreAsync_QueueAtItsByteLimit_RefusedButAHintOverTheLimitIsTakenAlone()
    {
        await using var harness = new HintPath(new HintOptions { MaxQueuedHintBytes = 1024 * 1024 });
        var big = harness.Store(3 * 1024 * 1024);

        var next = harness.Store(10);

        Assert.That(big.IsFaulted, Is.False, "a hint over the byte limit is held when it is alone");
        Assert.That(((PairDbException)next.Exception!.InnerException!).Code, Is.EqualTo(ErrorCode.Overloaded));
    }

    [Test]
    public async Task StoreAsync_AfterACopyEnds_TheRoomItHeldIsGivenBack()
    {
        await using var harness = new HintPath(new HintOptions { MaxQueuedHints = 1, MaxInsertBatch = 1 });
        var first = harness.Store(10);
        Assert.That(harness.Store(10).IsFaulted, Is.True, "the queue holds its one hint");

        await harness.Writer.StartAsync(CancellationToken.None);
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(harness.Spool.Count, Is.EqualTo(1), "the COPY failed (the database is unreachable) and the hint went to the spool");

        var after = harness.Store(10);
        Assert.That(after.Exception?.InnerException, Is.Not.InstanceOf<PairDbException>(), "the failed COPY gave its room back: not refused");
        await harness.Writer.StopAsync(CancellationToken.None);
    }
}
