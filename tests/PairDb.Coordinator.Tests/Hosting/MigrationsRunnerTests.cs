using PairDb.Testing.Runbook;
using System.Reflection;
using PairDb.Client.Tooling;
using PairDb.Coordinator.Tests.Support;

namespace PairDb.Coordinator.Tests.Hosting;

/// <summary>The Migrations project run as operators run it: a process given a connection string.</summary>
public sealed class MigrationsRunnerTests
{
    [Test]
    public async Task Run_FreshDatabaseThenAgain_AppliesSchemaOnceAndRunbookSqlRuns()
    {
        await using var database = await MetadataDatabase.CreateAsync(migrate: false);
        var runner = LocateRunner();

        var first = await ProcessRunner.RunAsync(DotnetExecutable.Locate(), [runner, "--connection", database.ConnectionString], TimeSpan.FromSeconds(60));
        Assert.That(first.ExitCode, Is.Zero, first.Output);
        Assert.That(first.Output, Does.Contain("6 migration(s) applied"), "the metadata tables, the Quartz job store, the node incarnations, the API keys, the node scheme and the hint uid");
        var second = await ProcessRunner.RunAsync(DotnetExecutable.Locate(), [runner, "--connection", database.ConnectionString], TimeSpan.FromSeconds(60));
        Assert.That(second.Output, Does.Contain("0 migration(s) applied"));

        Assert.That(await database.QueryAsync(RunbookSql.NodeStates), Is.Empty);
        Assert.That(await database.ScalarAsync<long>("SELECT COUNT(*) FROM information_schema.tables WHERE table_name LIKE 'qrtz%'"), Is.EqualTo(15L));
    }

    [Test]
    public async Task Run_WithoutConnectionString_ExitsWithUsage()
    {
        var result = await ProcessRunner.RunAsync(DotnetExecutable.Locate(), [LocateRunner()], TimeSpan.FromSeconds(60));
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Output, Does.Contain("ConnectionStrings:Metadata is not set"));
    }

    private static string LocateRunner()
    {
        var configuration = typeof(MigrationsRunnerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "Configuration").Value!;
        var root = HostAssemblies.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);
        var path = Path.Combine(root, "Migrations", "bin", configuration, "net10.0", "PairDb.Migrations.dll");
        Assert.That(File.Exists(path), Is.True, $"{path} is built with the tests");
        return path;
    }
}
