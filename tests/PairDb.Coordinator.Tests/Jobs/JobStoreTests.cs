using PairDb.Coordinator.Jobs;
using PairDb.Coordinator.Tests.Support;
using Quartz;

namespace PairDb.Coordinator.Tests.Jobs;

/// <summary>The coordinator's Quartz scheduler on the clustered ADO.NET store in the metadata database.</summary>
[NonParallelizable]
public sealed class JobStoreTests
{
    private static readonly string[] QuartzTables =
    [
        "qrtz_blob_triggers", "qrtz_calendars", "qrtz_cron_triggers", "qrtz_execution_history", "qrtz_fired_triggers", "qrtz_job_details",
        "qrtz_job_status", "qrtz_locks", "qrtz_misfire_history", "qrtz_paused_job_grps", "qrtz_paused_trigger_grps", "qrtz_scheduler_state",
        "qrtz_simple_triggers", "qrtz_simprop_triggers", "qrtz_triggers",
    ];

    [Test]
    public async Task Migrate_FreshDatabase_CreatesEveryQuartzTable()
    {
        await using var database = await MetadataDatabase.CreateAsync();

        var rows = await database.QueryAsync(
            "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'qrtz%' ORDER BY 1");

        Assert.That(rows.Select(r => r["name"]), Is.EqualTo(QuartzTables));
    }

    [Test]
    public async Task Start_MigratedDatabase_ChecksInUnderConfiguredIdAndStoresTheRecurringJobs()
    {
        await using var database = await MetadataDatabase.CreateAsync();
        await using var coordinator = await InProcessCoordinator.StartAsync(database.ConnectionString, settings: Settings("coordinator-a"));

        await Eventually.WaitAsync(
            async () => await database.ScalarAsync<long>("SELECT COUNT(*) FROM qrtz_scheduler_state WHERE instance_name = 'coordinator-a'") == 1,
            "the scheduler to check in as coordinator-a");

        var jobs = await database.QueryAsync("SELECT job_group || '.' || job_name AS job, is_durable, requests_recovery FROM qrtz_job_details ORDER BY 1");
        Assert.That(jobs.Select(j => j["job"]), Is.EqualTo(new[] { "hints.hint-cleanup", "hints.hint-replay", "topology.range-cleanup" }));
        Assert.That(jobs.Single(j => (string)j["job"]! == "topology.range-cleanup")["requests_recovery"], Is.True);
        Assert.That(await database.ScalarAsync<long>("SELECT COUNT(*) FROM qrtz_triggers"), Is.EqualTo(3L));
        Assert.That(await database.ScalarAsync<string>("SELECT DISTINCT sched_name FROM qrtz_job_details"), Is.EqualTo(JobRegistration.SchedulerName));
        await Eventually.WaitAsync(
            async () => await database.ScalarAsync<long>("SELECT COUNT(*) FROM qrtz_execution_history WHERE job_name = 'hint-replay'") > 0,
            "the hint replay job to run");
    }

    [Test]
    public async Task Restart_ChangedInterval_ReschedulesTheOneTrigger()
    {
        await using var database = await MetadataDatabase.CreateAsync();
        const string ReplayTrigger = "SELECT repeat_interval FROM qrtz_simple_triggers WHERE trigger_name = 'hint-replay" + DurableJobScheduler.TriggerSuffix + "'";
        await using (await InProcessCoordinator.StartAsync(database.ConnectionString, settings: Settings("coordinator-a")))
        {
        }
        var before = await database.ScalarAsync<long>(ReplayTrigger);
        var settings = Settings("coordinator-a");
        settings["PairDb:Hints:ReplayInterval"] = "00:00:07";

        await using var restarted = await InProcessCoordinator.StartAsync(database.ConnectionString, settings: settings);

        Assert.That(await database.ScalarAsync<long>(ReplayTrigger), Is.EqualTo(before * 14), "7 s where it was 0.5 s");
        Assert.That(await database.ScalarAsync<long>("SELECT COUNT(*) FROM qrtz_triggers"), Is.EqualTo(3L), "no duplicate triggers");
    }

    [Test]
    public async Task ScheduleRecurring_JobOfStoppedCoordinator_IsStoredAndFiresAgainAfterRestart()
    {
        await using var database = await MetadataDatabase.CreateAsync();
        var key = new JobKey("survivor-" + Guid.NewGuid().ToString("N"), "tests");
        await using (var first = await InProcessCoordinator.StartAsync(database.ConnectionString, settings: Settings("coordinator-a")))
        {
            await first.Get<DurableJobScheduler>().ScheduleRecurringAsync<RecordingJob>(key, [], TimeSpan.FromMilliseconds(200), startNow: true);
            await first.Get<DurableJobScheduler>().ScheduleRecurringAsync<RecordingJob>(key, [], TimeSpan.FromMilliseconds(200), startNow: true);
            await Eventually.WaitAsync(() => Task.FromResult(RecordingJob.CountOf(key.Name) > 0), "the job's first run");
        }
        Assert.That(await database.ScalarAsync<long>($"SELECT COUNT(*) FROM qrtz_job_details WHERE job_name = '{key.Name}' AND is_durable"), Is.EqualTo(1L));
        Assert.That(await database.ScalarAsync<long>($"SELECT COUNT(*) FROM qrtz_triggers WHERE job_name = '{key.Name}'"), Is.EqualTo(1L), "scheduled twice, stored once");
        var runsBefore = RecordingJob.CountOf(key.Name);

        await using var second = await InProcessCoordinator.StartAsync(database.ConnectionString, settings: Settings("coordinator-a"));

        await Eventually.WaitAsync(() => Task.FromResult(RecordingJob.CountOf(key.Name) > runsBefore + 1), "the job to fire again after the restart");
        Assert.That(await second.Get<DurableJobScheduler>().UnscheduleAsync(key), Is.True);
        Assert.That(await database.ScalarAsync<long>($"SELECT COUNT(*) FROM qrtz_job_details WHERE job_name = '{key.Name}'"), Is.Zero);
    }

    [Test]
    public async Task DisallowConcurrentExecution_TwoCoordinatorsOneDatabase_NeverRunsTwiceAtOnceAndFailsOver()
    {
        await using var database = await MetadataDatabase.CreateAsync();
        var coordinators = new Dictionary<string, InProcessCoordinator>
        {
            ["cluster-a"] = await InProcessCoordinator.StartAsync(database.ConnectionString, settings: Settings("cluster-a")),
            ["cluster-b"] = await InProcessCoordinator.StartAsync(database.ConnectionString, settings: Settings("cluster-b")),
        };
        var key = new JobKey("exclusive", "tests");
        try
        {
            await coordinators["cluster-a"].Get<DurableJobScheduler>().ScheduleRecurringAsync<ExclusiveJob>(key, [], TimeSpan.FromMilliseconds(50), startNow: true);
            await Eventually.WaitAsync(() => Task.FromResult(ExclusiveJob.Instances.Count >= 5), "5 runs of the exclusive job");
            var first = ExclusiveJob.Instances.First();
            var other = first == "cluster-a" ? "cluster-b" : "cluster-a";
            await coordinators[first].DisposeAsync();
            coordinators.Remove(first);

            await Eventually.WaitAsync(() => Task.FromResult(ExclusiveJob.Instances.Count(i => i == other) >= 5),
                $"{other} to take the job over from {first} and run it 5 times");
            await coordinators[other].Get<DurableJobScheduler>().UnscheduleAsync(key);
        }
        finally
        {
            foreach (var coordinator in coordinators.Values)
            {
                await coordinator.DisposeAsync();
            }
        }
        Assert.That(ExclusiveJob.MaxRunning, Is.EqualTo(1), "runs in progress at once, across both coordinators");
    }

    [Test]
    public async Task ScheduleChange_Twice_OneRecoverableJobKeyedByChangeId()
    {
        await using var database = await MetadataDatabase.CreateAsync();
        await using var coordinator = await InProcessCoordinator.StartAsync(database.ConnectionString,
            settings: new Dictionary<string, string>(Settings("coordinator-a")) { ["PairDb:Topology:ChangeJobInterval"] = "00:00:00.200" });
        var topology = coordinator.Get<TopologyJobScheduler>();

        await topology.ScheduleChangeAsync<RecordingJob>("change-42");
        await topology.ScheduleChangeAsync<RecordingJob>("change-42");

        Assert.That(await database.ScalarAsync<long>(
            "SELECT COUNT(*) FROM qrtz_job_details WHERE job_name = 'change-42' AND job_group = 'topology-changes' AND is_durable AND requests_recovery"), Is.EqualTo(1L));
        Assert.That(await database.ScalarAsync<long>("SELECT COUNT(*) FROM qrtz_triggers WHERE job_name = 'change-42'"), Is.EqualTo(1L));
        await Eventually.WaitAsync(() => Task.FromResult(RecordingJob.CountOf("change-42") >= 2), "the change job to fire repeatedly");
        Assert.That(await topology.UnscheduleChangeAsync("change-42"), Is.True);
        Assert.That(await database.ScalarAsync<long>("SELECT COUNT(*) FROM qrtz_job_details WHERE job_name = 'change-42'"), Is.Zero);
    }

    private static Dictionary<string, string> Settings(string instanceId) => new()
    {
        ["PairDb:Jobs:InstanceId"] = instanceId,
        ["PairDb:Jobs:CheckinInterval"] = "00:00:00.500",
        ["PairDb:Jobs:CheckinMisfireThreshold"] = "00:00:02",
        ["PairDb:Jobs:IdleWaitTime"] = "00:00:01",
        ["PairDb:Hints:ReplayInterval"] = "00:00:00.500",
    };
}
