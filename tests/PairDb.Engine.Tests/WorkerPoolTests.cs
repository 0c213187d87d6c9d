namespace PairDb.Engine.Tests;

public sealed class WorkerPoolTests
{
    [Test]
    public void Submit_QueueFull_ThrowsTypedErrorAndCountsRejection()
    {
        using var gate = new ManualResetEventSlim();
        using var pool = new WorkerPool("flush_pool", 1, 2, new ListLogger());
        var running = pool.Submit("t", gate.Wait);
        EngineTestKit.WaitUntil(() => pool.GetStatistics().ActiveWorkers == 1, "the first task to start");
        var queued = new[] { pool.Submit("t", gate.Wait), pool.Submit("t", gate.Wait) };

        var error = Assert.Throws<WorkerPoolQueueFullException>(() => pool.Submit("t", gate.Wait));

        Assert.That(error!.Pool, Is.EqualTo("flush_pool"));
        Assert.That(error.Capacity, Is.EqualTo(2));
        Assert.That(pool.GetStatistics().RejectedTasks, Is.EqualTo(1));
        gate.Set();
        Assert.That(Task.WaitAll([running, .. queued], TimeSpan.FromSeconds(10)), Is.True, "queued tasks to finish");
    }

    [Test]
    public void GetStatistics_OneOfTwoWorkersBusy_ReportsRunbookFigures()
    {
        using var gate = new ManualResetEventSlim();
        using var pool = new WorkerPool("compaction_pool", 2, 50, new ListLogger());
        var task = pool.Submit("compact", gate.Wait);
        EngineTestKit.WaitUntil(() => pool.GetStatistics().ActiveWorkers == 1, "the task to start");

        var stats = pool.GetStatistics();

        Assert.That(stats.ActiveWorkers, Is.EqualTo(1));
        Assert.That(stats.QueuedTasks, Is.Zero);
        Assert.That(stats.UtilizationPercent, Is.EqualTo(50.0));
        gate.Set();
        Assert.That(task.Wait(TimeSpan.FromSeconds(10)), Is.True, "the task to finish");
        EngineTestKit.WaitUntil(() => pool.GetStatistics().CompletedTasks == 1, "completion to be counted");
        Assert.That(pool.GetStatistics().UtilizationPercent, Is.Zero);
    }

    [Test]
    public void Submit_QueuePast85Percent_LogsQueueFillingOnce()
    {
        var log = new ListLogger();
        using var gate = new ManualResetEventSlim();
        using var pool = new WorkerPool("flush_pool", 1, 100, log);
        var tasks = new List<Task> { pool.Submit("flush", gate.Wait) };
        EngineTestKit.WaitUntil(() => pool.GetStatistics().ActiveWorkers == 1, "the first task to start");
        for (var i = 0; i < 90; i++)
        {
            tasks.Add(pool.Submit("flush", gate.Wait));
        }

        Assert.That(log.Lines.Where(l => l.StartsWith("Worker pool queue filling", StringComparison.Ordinal)), Is.EqualTo(new[] { "Worker pool queue filling pool=flush_pool queued=85 capacity=100" }));
        Assert.That(pool.GetStatistics().QueueUtilizationPercent, Is.EqualTo(90.0));
        gate.Set();
        Assert.That(Task.WaitAll([.. tasks], TimeSpan.FromSeconds(10)), Is.True, "the queue to drain");
    }

    [Test]
    public void Submit_TaskThrows_LogsRunbookLineAndFaultsTask()
    {
        var log = new ListLogger();
        using var pool = new WorkerPool("compaction_pool", 1, 5, log);

        var task = pool.Submit("compact", () => throw new InvalidOperationException("boom"));

        Assert.That(() => task.Wait(TimeSpan.FromSeconds(10)), Throws.InstanceOf<AggregateException>());
        Assert.That(log.Lines, Has.Member("Worker pool task failed pool=compaction_pool task_id=compact-1 error=\"boom\""));
        EngineTestKit.WaitUntil(() => pool.GetStatistics().FailedTasks == 1, "the failure to be counted");
    }

    [Test]
    public void Engine_Flush_RunsOnFlushPool()
    {
        using var dir = new TempDirectory();
        using var engine = LsmEngine.Open(EngineTestKit.CompactionOptions(dir));
        engine.Put(Bytes.Of("k"), Bytes.Of("v"));

        engine.Flush();

        EngineTestKit.WaitUntil(() => engine.Pools.Flush.GetStatistics().CompletedTasks >= 1, "the flush task to be counted");
        Assert.That(engine.Pools.GetStatistics().Select(s => s.Name), Is.EqualTo(new[] { "flush_pool", "compaction_pool", "streaming_pool" }));
        Assert.That(engine.Pools.GetStatistics().Select(s => (s.MaxWorkers, s.QueueCapacity)), Is.EqualTo(new[] { (4, 100), (2, 50), (4, 100) }));
    }
}
