using PairDb.Coordinator.Options;
using Quartz;

namespace PairDb.Coordinator.Jobs;

/// <summary>
/// The coordinator's Quartz scheduler and its jobs. RAMJobStore in this issue: both jobs are
/// stateless passes over the hints table, re-scheduled at every start; the topology issue switches
/// the scheduler to the clustered ADO.NET job store for its persistent state machine.
/// </summary>
public static class JobRegistration
{
    public static IServiceCollection AddCoordinatorJobs(this IServiceCollection services, IConfiguration configuration)
    {
        var hints = configuration.GetSection(HintOptions.Section).Get<HintOptions>() ?? new HintOptions();
        services.AddQuartz(quartz =>
        {
            quartz.UseInMemoryStore();
            quartz.ScheduleJob<HintReplayJob>(
                trigger => trigger.WithIdentity("hint-replay-trigger", "hints")
                    .StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(hints.ReplayInterval).RepeatForever()),
                job => job.WithIdentity(HintReplayJob.Key));
            quartz.ScheduleJob<HintCleanupJob>(
                trigger => trigger.WithIdentity("hint-cleanup-trigger", "hints")
                    .StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(hints.CleanupInterval).RepeatForever()),
                job => job.WithIdentity(HintCleanupJob.Key));
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
