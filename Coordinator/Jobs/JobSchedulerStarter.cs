using Microsoft.Extensions.Options;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Options;
using Quartz;

namespace PairDb.Coordinator.Jobs;

/// <summary>
/// Starts the Quartz scheduler (whose job store is PostgreSQL) once PostgreSQL answers, then puts the recurring jobs in
/// place (<see cref="RecurringJobRegistrar"/>), instead of at host start: a coordinator started during a database
/// outage serves data at once and gets its jobs when the database returns. Failures are retried every
/// <see cref="MetadataProbeOptions.ProbeInterval"/> in the background. Once running, Quartz's clustered ADO store rides
/// out an outage by itself: acquisition and check-in back off for <c>DbRetryInterval</c>, and a firing's completion is
/// retried until the database takes it (see <see cref="JobRegistration"/>). Stopping waits for running jobs, as
/// Quartz's own hosted service did.
/// </summary>
public sealed partial class JobSchedulerStarter(
    ISchedulerFactory schedulers,
    RecurringJobRegistrar registrar,
    MetadataAvailability availability,
    IOptions<MetadataProbeOptions> probe,
    TimeProvider time,
    ILogger<JobSchedulerStarter> logger) : BackgroundService
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IScheduler? _scheduler;

    /// <summary>Completes when the scheduler runs and the recurring jobs are registered (tests, diagnostics).</summary>
    public Task Started => _started.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!availability.IsAvailable)
        {
            LogDeferred(logger);
        }
        await RetryUntilDoneAsync("start the scheduler", async () =>
        {
            var scheduler = await schedulers.GetScheduler(stoppingToken);
            await scheduler.Start(stoppingToken);
            _scheduler = scheduler;
        }, stoppingToken);
        await RetryUntilDoneAsync("register the recurring jobs", () => registrar.RegisterAsync(stoppingToken), stoppingToken);
        LogStarted(logger);
        _started.TrySetResult();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_scheduler is { } scheduler)
        {
            await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
        }
    }

    private async Task RetryUntilDoneAsync(string what, Func<Task> action, CancellationToken stoppingToken)
    {
        while (true)
        {
            await availability.WaitUntilAvailableAsync(stoppingToken);
            try
            {
                await action();
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && MetadataFailures.IsUnreachable(e))
            {
                availability.ReportFailure(e);
                LogRetrying(logger, what, e.Message);
            }
            catch (SchedulerException e) when (!stoppingToken.IsCancellationRequested && e.InnerException is { } inner && MetadataFailures.IsUnreachable(inner))
            {
                availability.ReportFailure(inner);
                LogRetrying(logger, what, e.Message);
            }
            await Task.Delay(probe.Value.ProbeInterval, time, stoppingToken);
        }
    }

    [LoggerMessage(EventId = 1135, Level = LogLevel.Warning, Message = "Job scheduler start deferred until the metadata database answers (jobs and topology changes wait; data is served)")]
    private static partial void LogDeferred(ILogger logger);

    [LoggerMessage(EventId = 1136, Level = LogLevel.Information, Message = "Job scheduler started and recurring jobs registered")]
    private static partial void LogStarted(ILogger logger);

    [LoggerMessage(EventId = 1137, Level = LogLevel.Warning, Message = "Could not {What} (metadata database unreachable: {Error}); retrying when it answers")]
    private static partial void LogRetrying(ILogger logger, string what, string error);
}
