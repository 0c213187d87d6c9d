using System.Reflection;
using PairDb.Client.Tooling;
using PairDb.Coordinator.Tests.Support;
using PairDb.Testing;

namespace PairDb.Coordinator.Tests.Jobs;

/// <summary>Two coordinator processes on one metadata database: one Quartz cluster, one of them killed with SIGKILL.</summary>
[NonParallelizable]
public sealed class ClusterProcessTests
{
    private const string ReplayRuns =
        "SELECT instance_name, fired_time, run_time FROM qrtz_execution_history WHERE job_name = 'hint-replay' ORDER BY fired_time";

    [Test]
    public async Task Sigkill_CoordinatorRunningTheJob_OtherTakesItOverAndRunsNeverOverlap()
    {
        await using var database = await MetadataDatabase.CreateAsync();
        using var directory = TestDirectory.Create();
        var specs = new Dictionary<string, HostSpec>
        {
            ["proc-a"] = Spec(database, directory, "proc-a"),
            ["proc-b"] = Spec(database, directory, "proc-b"),
        };
        var hosts = new Dictionary<string, HostProcess>();
        try
        {
            foreach (var (id, spec) in specs)
            {
                hosts[id] = await HostLauncher.StartAsync(spec);
            }
            await Eventually.WaitAsync(async () => await database.ScalarAsync<long>("SELECT COUNT(*) FROM qrtz_scheduler_state") == 2,
                "both coordinators to check in");
            await Eventually.WaitAsync(async () => (await database.QueryAsync(ReplayRuns)).Count >= 3, "three hint replay runs");

            var runs = await database.QueryAsync(ReplayRuns);
            var victim = (string)runs[^1]["instance_name"]!;
            var survivor = victim == "proc-a" ? "proc-b" : "proc-a";
            var lastBeforeKill = (long)runs[^1]["fired_time"]!;
            hosts[victim].Kill();

            await Eventually.WaitAsync(
                async () => await database.ScalarAsync<long>(
                    $"SELECT COUNT(*) FROM qrtz_execution_history WHERE job_name = 'hint-replay' AND instance_name = '{survivor}' AND fired_time > {lastBeforeKill}") >= 2,
                $"{survivor} to run the hint replay job after {victim} was killed", TimeSpan.FromSeconds(30));
            await Eventually.WaitAsync(
                async () => await database.ScalarAsync<long>($"SELECT COUNT(*) FROM qrtz_scheduler_state WHERE instance_name = '{victim}'") == 0,
                $"{survivor} to notice {victim}'s missed check-ins and recover it", TimeSpan.FromSeconds(30));

            await hosts[victim].DisposeAsync();
            hosts[victim] = await HostLauncher.StartAsync(specs[victim]);
            await Eventually.WaitAsync(
                async () => await database.ScalarAsync<long>($"SELECT COUNT(*) FROM qrtz_scheduler_state WHERE instance_name = '{victim}'") == 1,
                $"{victim} to rejoin under its own instance id");
            Assert.That(await database.ScalarAsync<long>("SELECT COUNT(*) FROM qrtz_triggers WHERE job_name = 'hint-replay'"), Is.EqualTo(1L),
                "three starts, one trigger");
        }
        finally
        {
            foreach (var host in hosts.Values)
            {
                await host.DisposeAsync();
            }
        }
        AssertNoOverlap(await database.QueryAsync(ReplayRuns));
    }

    /// <summary>Each run ends before the next one starts (fired_time and run_time both in ticks).</summary>
    private static void AssertNoOverlap(List<Dictionary<string, object?>> runs)
    {
        Assert.That(runs, Has.Count.GreaterThan(3));
        for (var i = 1; i < runs.Count; i++)
        {
            var previousEnd = (long)runs[i - 1]["fired_time"]! + (long)runs[i - 1]["run_time"]!;
            Assert.That((long)runs[i]["fired_time"]!, Is.GreaterThanOrEqualTo(previousEnd),
                $"run {i} ({runs[i]["instance_name"]}) started before run {i - 1} ({runs[i - 1]["instance_name"]}) ended");
        }
    }

    private static HostSpec Spec(MetadataDatabase database, TestDirectory directory, string instanceId)
    {
        var ports = FreePort.Next(2);
        return new HostSpec
        {
            Name = instanceId,
            AssemblyPath = LocateCoordinator(),
            Arguments =
            [
                $"--ConnectionStrings:Metadata={database.ConnectionString}",
                "--PairDb:Coordinator:ListenAddress=127.0.0.1",
                $"--PairDb:Coordinator:GrpcPort={ports[0]}",
                $"--PairDb:Coordinator:HttpPort={ports[1]}",
                "--PairDb:Coordinator:StateDirectory=" + directory.Combine("state-" + instanceId),
                $"--PairDb:Jobs:InstanceId={instanceId}",
                "--PairDb:Jobs:CheckinInterval=00:00:00.500",
                "--PairDb:Jobs:CheckinMisfireThreshold=00:00:02",
                "--PairDb:Jobs:IdleWaitTime=00:00:01",
                "--PairDb:Hints:ReplayInterval=00:00:00.200",
                "--PairDb:HealthProbe:Interval=01:00:00",
            ],
            HealthUrl = new Uri($"http://127.0.0.1:{ports[1]}/health/live"),
            LogPath = directory.Combine(instanceId + ".log"),
        };
    }

    private static string LocateCoordinator()
    {
        var configuration = typeof(ClusterProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Configuration").Value!;
        var root = HostAssemblies.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);
        return HostAssemblies.Locate(root, HostKind.Coordinator, configuration);
    }
}
