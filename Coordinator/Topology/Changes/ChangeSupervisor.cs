using Microsoft.Extensions.Options;
using PairDb.Coordinator.Data;
using PairDb.Coordinator.Options;
using PairDb.Coordinator.Telemetry;

namespace PairDb.Coordinator.Topology.Changes;

/// <summary>
/// Every RunInterval: makes sure each pending or in_progress change has its job (a crash between
/// the commit that created a change and its scheduling leaves none), and refreshes
/// concurrent_bootstraps_gauge from the database, so every coordinator reports the cluster's count.
/// </summary>
public sealed partial class ChangeSupervisor(
    ChangeStore store, ChangeScheduler scheduler, TopologyMetrics metrics, IOptions<TopologyChangeOptions> options,
    MetadataAvailability availability, TimeProvider time, ILogger<ChangeSupervisor> logger) : BackgroundService
{
    /// <summary>One pass; with <paramref name="runNow"/> every active change's job fires at once.</summary>
    public async Task PassAsync(bool runNow, CancellationToken cancellationToken)
    {
        if (!availability.IsAvailable)
        {
            // Changes are paused with the database (their state lives there); the first pass after it returns catches up.
            return;
        }
        try
        {
            foreach (var change in await store.ListActiveAsync(cancellationToken))
            {
                await scheduler.EnsureScheduledAsync(change.ChangeId, runNow, cancellationToken);
            }
            metrics.SetConcurrentBootstraps(await store.CountInProgressAsync(ChangeTypes.Bootstrap, cancellationToken));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPassFailed(logger, e);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await PassAsync(runNow: false, stoppingToken);
        using var timer = new PeriodicTimer(options.Value.RunInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await PassAsync(runNow: false, stoppingToken);
        }
    }

    [LoggerMessage(EventId = 1221, Level = LogLevel.Warning, Message = "Topology change supervision pass failed; retrying next interval")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
