using Quartz;

namespace PairDb.Coordinator.Topology.Changes;

/// <summary>
/// Runs one change (see <see cref="ChangeRunner"/>); one execution at a time per change. When the
/// change is terminal the job deletes itself and wakes the other active changes, so one that was
/// queued behind this one starts now rather than at its next trigger.
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class TopologyChangeJob(
    ChangeRunner runner, ChangeScheduler scheduler, ChangeSupervisor supervisor, IHostApplicationLifetime lifetime, ILogger<TopologyChangeJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var changeId = Jobs.TopologyJobScheduler.ChangeIdOf(context);
        // Host shutdown stops the run (it resumes on the next start); Quartz would otherwise wait for it.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.CancellationToken, lifetime.ApplicationStopping);
        RunOutcome outcome;
        try
        {
            outcome = await runner.RunAsync(changeId, stop.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            // PostgreSQL or a node misbehaving in a way the runner did not classify: the trigger runs it again.
            LogRunFailed(logger, e, changeId);
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }
        context.Result = outcome.ToString();
        if (outcome == RunOutcome.Finished)
        {
            await scheduler.UnscheduleAsync(changeId, CancellationToken.None);
            await supervisor.PassAsync(runNow: true, CancellationToken.None);
        }
    }

    [LoggerMessage(EventId = 1220, Level = LogLevel.Warning, Message = "Topology change run failed; it will be retried change_id={ChangeId}")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, string changeId);
}
