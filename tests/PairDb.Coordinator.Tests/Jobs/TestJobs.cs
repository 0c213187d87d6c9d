using System.Collections.Concurrent;
using Quartz;

namespace PairDb.Coordinator.Tests.Jobs;

/// <summary>Counts its runs per job name, and which scheduler instance ran them.</summary>
public sealed class RecordingJob : IJob
{
    public static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> Runs = new(StringComparer.Ordinal);

    public static int CountOf(string jobName) => Runs.TryGetValue(jobName, out var runs) ? runs.Count : 0;

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        Runs.GetOrAdd(context.JobDetail.Key.Name, _ => new ConcurrentQueue<string>()).Enqueue(context.Scheduler.SchedulerInstanceId);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Holds each run for a while and records the most runs that were ever in progress at once, across every scheduler of the process.</summary>
[DisallowConcurrentExecution]
public sealed class ExclusiveJob : IJob
{
    private static int _running;
    private static int _maxRunning;

    public static readonly ConcurrentQueue<string> Instances = new();

    public static int MaxRunning => Volatile.Read(ref _maxRunning);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var now = Interlocked.Increment(ref _running);
        InterlockedMax(now);
        try
        {
            // The work: long enough that the next firings (every 50 ms) come due while this one runs.
            await Task.Delay(TimeSpan.FromMilliseconds(150), cancellationToken);
            Instances.Enqueue(context.Scheduler.SchedulerInstanceId);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private static void InterlockedMax(int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, value, seen) != seen)
        {
        }
    }
}
