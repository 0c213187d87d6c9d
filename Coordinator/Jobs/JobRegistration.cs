using Microsoft.Extensions.Options;
using PairDb.Coordinator.Cleanup;
using PairDb.Coordinator.Options;
using Quartz;

namespace PairDb.Coordinator.Jobs;

/// <summary>
/// The coordinator's Quartz scheduler: the ADO.NET job store in the metadata database (tables
/// <c>qrtz_*</c>, created by the migrations and only validated here), clustered, so that every
/// coordinator on one database shares one schedule: a <c>[DisallowConcurrentExecution]</c> job runs on
/// one coordinator at a time, and the jobs of a coordinator that dies are taken over by another (at
/// once by itself when it comes back under the same instance id). The scheduler starts once PostgreSQL
/// answers (<see cref="JobSchedulerStarter"/>, not at host start: the data path must not wait for the
/// database), and the recurring jobs are put in place then by <see cref="RecurringJobRegistrar"/>; on-demand durable jobs go through
/// <see cref="DurableJobScheduler"/> and <see cref="TopologyJobScheduler"/>.
/// </summary>
public static class JobRegistration
{
    /// <summary>qrtz_*.sched_name: one name for every coordinator, which is what makes them one cluster.</summary>
    public const string SchedulerName = "pairdb-coordinator";

    public static IServiceCollection AddCoordinatorJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JobOptions>().Bind(configuration.GetSection(JobOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JobOptions>, JobOptionsValidator>();
        services.AddOptions<TopologyOptions>().Bind(configuration.GetSection(TopologyOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TopologyOptions>, TopologyOptionsValidator>();

        // The store's settings are needed while the container is described, so they are read here.
        var jobs = configuration.GetSection(JobOptions.Section).Get<JobOptions>() ?? new JobOptions();
        var host = configuration.GetSection(CoordinatorHostOptions.Section).Get<CoordinatorHostOptions>() ?? new CoordinatorHostOptions();
        var connectionString = MetadataOptions.Resolve(configuration);
        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                scheduler.InstanceName = SchedulerName;
                scheduler.InstanceId = jobs.ResolveInstanceId(host.GrpcPort);
                scheduler.IdleWaitTime = jobs.IdleWaitTime;
            });
            quartz.UseDefaultThreadPool(Math.Max(1, jobs.MaxConcurrency));
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(connectionString);
                store.UseSystemTextJsonSerializer();
                store.UseClustering(cluster =>
                {
                    cluster.CheckinInterval = jobs.CheckinInterval;
                    cluster.CheckinMisfireThreshold = jobs.CheckinMisfireThreshold;
                });
                // One cluster-wide history of runs (qrtz_execution_history): which coordinator ran what, when, for how long.
                store.UseExecutionHistory();
                store.ConfigureStore(options =>
                {
                    options.TablePrefix = "qrtz_";
                    options.SchemaProvisioning = SchemaProvisioning.Validate;
                    // PostgreSQL down while running: trigger acquisition, misfire handling and check-in back off this
                    // long between attempts (default 15 s), and a firing's completion is retried until the database
                    // takes it, so a job cut short by the outage is neither lost nor recorded twice. 2 s: jobs resume
                    // within seconds of the database's return without hammering it meanwhile.
                    options.DbRetryInterval = jobs.DbFailureRetryInterval;
                });
            });
        });
        services.AddSingleton<DurableJobScheduler>();
        services.AddSingleton<TopologyJobScheduler>();
        services.AddCleanup();
        services.AddSingleton<RecurringJobRegistrar>();
        services.AddSingleton<JobSchedulerStarter>();
        services.AddHostedService(provider => provider.GetRequiredService<JobSchedulerStarter>());
        return services;
    }
}
