using Quartz;

namespace PairDb.Coordinator.Jobs;

/// <summary>
/// Puts durable, recurring jobs in the clustered job store, idempotently: calling it again for the
/// same key (at every start, or from two coordinators at once) leaves exactly one job and one
/// trigger. The job detail is replaced every time (so a new job class or data takes effect); the
/// trigger is kept when it already repeats at the requested interval, so a restart neither resets
/// its schedule nor fires it early, and is rescheduled in place when the interval changed.
/// </summary>
public sealed partial class DurableJobScheduler(ISchedulerFactory schedulers, ILogger<DurableJobScheduler> logger)
{
    /// <summary>Suffix of the trigger key of a job scheduled here: the job's own name and group plus this.</summary>
    public const string TriggerSuffix = ".trigger";

    /// <summary>The key of the one trigger <see cref="ScheduleRecurringAsync{TJob}"/> keeps for <paramref name="job"/>.</summary>
    public static TriggerKey TriggerKeyOf(JobKey job) => new(job.Name + TriggerSuffix, job.Group);

    /// <summary>
    /// Stores <typeparamref name="TJob"/> under <paramref name="key"/> as a durable job and makes
    /// sure one trigger fires it every <paramref name="interval"/>, forever (until
    /// <see cref="UnscheduleAsync"/>). <paramref name="startNow"/>: first firing now rather than one
    /// interval from now (only when the trigger is created or rescheduled).
    /// <paramref name="requestsRecovery"/>: a firing cut short by the death of its coordinator is run
    /// again by another coordinator (or by the same one when it restarts under its instance id) as
    /// soon as that is noticed, instead of at the next interval. The job sees
    /// <c>context.Recovering</c> then. Mark the job class <c>[DisallowConcurrentExecution]</c> when
    /// two runs must not overlap: the store enforces it across the whole cluster.
    /// </summary>
    public async Task ScheduleRecurringAsync<TJob>(
        JobKey key, JobDataMap data, TimeSpan interval, bool startNow, bool requestsRecovery = true, CancellationToken cancellationToken = default)
        where TJob : IJob
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var job = JobBuilder.Create<TJob>()
            .WithIdentity(key)
            .StoreDurably()
            .RequestRecovery(requestsRecovery)
            .UsingJobData(data)
            .Build();
        await scheduler.AddJob(job, AddJobOptions.Replacing, cancellationToken);

        var triggerKey = TriggerKeyOf(key);
        var existing = await scheduler.GetTrigger(triggerKey, cancellationToken);
        if (existing is ISimpleTrigger simple && simple.RepeatInterval == interval && simple.RepeatCount < 0)
        {
            LogKept(logger, key.ToString(), interval);
            return;
        }
        var trigger = BuildTrigger(key, interval, startNow);
        if (existing is null)
        {
            try
            {
                await scheduler.ScheduleJob(trigger, default, cancellationToken);
            }
            catch (ObjectAlreadyExistsException)
            {
                // Another coordinator created it between our read and our write: one trigger either way.
                LogKept(logger, key.ToString(), interval);
                return;
            }
        }
        else
        {
            await scheduler.RescheduleJob(triggerKey, trigger, cancellationToken);
        }
        LogScheduled(logger, key.ToString(), interval, existing is null ? "created" : "rescheduled");
    }

    /// <summary>Deletes the job and its triggers; false when there was no such job. A firing already running finishes.</summary>
    public async Task<bool> UnscheduleAsync(JobKey key, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var deleted = await scheduler.DeleteJob(key, cancellationToken);
        if (deleted)
        {
            LogUnscheduled(logger, key.ToString());
        }
        return deleted;
    }

    /// <summary>Fires a stored job once, now, besides its schedule (tests, operators' "run now").</summary>
    public async Task TriggerNowAsync(JobKey key, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.TriggerJob(key, new JobDataMap(), cancellationToken);
    }

    private static ITrigger BuildTrigger(JobKey key, TimeSpan interval, bool startNow)
    {
        var builder = TriggerBuilder.Create()
            .WithIdentity(TriggerKeyOf(key))
            .ForJob(key)
            // After an outage (no coordinator running) fire once at once and go on from there, not a burst of missed runs.
            .WithSchedule(SimpleScheduleBuilder.Create()
                .WithInterval(interval)
                .RepeatForever()
                .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount));
        builder = startNow ? builder.StartNow() : builder.StartAt(DateTimeOffset.UtcNow + interval);
        return builder.Build();
    }

    [LoggerMessage(EventId = 360, Level = LogLevel.Information, Message = "Scheduled recurring job job={Job} interval={Interval} trigger={Outcome}")]
    private static partial void LogScheduled(ILogger logger, string job, TimeSpan interval, string outcome);

    [LoggerMessage(EventId = 361, Level = LogLevel.Debug, Message = "Recurring job already scheduled job={Job} interval={Interval}")]
    private static partial void LogKept(ILogger logger, string job, TimeSpan interval);

    [LoggerMessage(EventId = 362, Level = LogLevel.Information, Message = "Unscheduled job job={Job}")]
    private static partial void LogUnscheduled(ILogger logger, string job);
}
