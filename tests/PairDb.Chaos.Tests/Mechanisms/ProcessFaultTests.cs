using System.Diagnostics;
using System.Globalization;
using Npgsql;
using PairDb.Chaos.Cluster;
using PairDb.Chaos.Tests.Support;
using PairDb.Client.Tooling;
using PairDb.Testing;

namespace PairDb.Chaos.Tests.Mechanisms;

/// <summary>
/// The process faults on real processes: a paused PostgreSQL stops answering and answers again after SIGCONT; a
/// killed one refuses connections and comes back with its data; libfaketime really moves a process's clock; a
/// small tmpfs really fills to ENOSPC and frees again.
/// </summary>
public sealed class ProcessFaultTests
{
    [Test]
    public async Task Postgres_PauseThenResume_StopsAnsweringThenAnswers()
    {
        if (PostgresBinaries.TryLocate() is null)
        {
            Assert.Ignore("no PostgreSQL binaries (./pairdb test installs them)");
        }
        using var directory = TestDirectory.Create();
        await using var postgres = await LocalPostgres.StartAsync(new LocalPostgresOptions { RootDirectory = directory.Combine("pg"), Durable = false });
        Assert.That(await AnswersAsync(postgres, TimeSpan.FromSeconds(10)), Is.True, "answers before the pause");

        Assert.That(postgres.Signal(UnixSignal.StopSignal), Is.GreaterThan(1), "the postmaster and its children are stopped");
        Assert.That(await AnswersAsync(postgres, TimeSpan.FromSeconds(2)), Is.False, "a paused server does not answer");

        postgres.Signal(UnixSignal.ContinueSignal);
        Assert.That(await AnswersAsync(postgres, TimeSpan.FromSeconds(10)), Is.True, "answers after SIGCONT");
    }

    [Test]
    public async Task Postgres_KillThenStartAgain_DownThenBackWithItsData()
    {
        if (PostgresBinaries.TryLocate() is null)
        {
            Assert.Ignore("no PostgreSQL binaries (./pairdb test installs them)");
        }
        using var directory = TestDirectory.Create();
        await using var postgres = await LocalPostgres.StartAsync(new LocalPostgresOptions { RootDirectory = directory.Combine("pg"), Durable = true });
        await ExecuteAsync(postgres, "CREATE TABLE survivor(x int); INSERT INTO survivor VALUES (42)");
        var pids = postgres.ServerPids();

        await postgres.KillAsync(TimeSpan.FromSeconds(30));

        Assert.That(pids.Where(p => Directory.Exists($"/proc/{p}") && !File.ReadAllText($"/proc/{p}/stat").Contains(") Z ", StringComparison.Ordinal)), Is.Empty, "every server process is gone");
        Assert.That(await AnswersAsync(postgres, TimeSpan.FromSeconds(2)), Is.False, "a killed server refuses connections");

        await postgres.StartAgainAsync();

        Assert.That(await ScalarAsync(postgres, "SELECT x FROM survivor"), Is.EqualTo(42), "crash recovery kept the committed row");
    }

    [Test]
    public async Task FakeTime_SkewedProcess_ClockIsOff()
    {
        if (FakeTime.LibraryPath() is not { } library)
        {
            Assert.Ignore("libfaketime is not installed (apt-get install faketime; ./pairdb test installs it)");
            return;
        }
        var start = new ProcessStartInfo("date", "+%s") { RedirectStandardOutput = true };
        foreach (var (name, value) in FakeTime.Environment(library, 180))
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var skewed = long.Parse((await process.StandardOutput.ReadToEndAsync()).Trim(), CultureInfo.InvariantCulture);
        await process.WaitForExitAsync();

        Assert.That(skewed - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), Is.InRange(180 * 60 - 30, 180 * 60 + 30), "three hours ahead");
    }

    [Test]
    public async Task Tmpfs_FilledWithBallast_EnospcUntilFreed()
    {
        Root.Require("mounting a tmpfs");
        using var directory = TestDirectory.Create();
        var volume = await TmpfsVolume.MountAsync(directory.Combine("vol"), 4);
        try
        {
            var ballast = volume.Fill();

            Assert.That(ballast, Is.InRange(3L << 20, 4L << 20), "the ballast takes the whole 4 MiB");
            var e = Assert.Throws<IOException>(() => File.WriteAllBytes(Path.Combine(volume.Path, "more"), new byte[64 << 10]));
            Assert.That(e!.Message, Does.Contain("No space left on device"));

            volume.Free();

            Assert.DoesNotThrow(() => File.WriteAllBytes(Path.Combine(volume.Path, "more"), new byte[64 << 10]), "room again after the ballast went");
        }
        finally
        {
            await volume.UnmountAsync();
        }
    }

    private static async Task<bool> AnswersAsync(LocalPostgres postgres, TimeSpan timeout)
    {
        try
        {
            var seconds = Math.Max(1, (int)timeout.TotalSeconds);
            await using var connection = new NpgsqlConnection(postgres.ConnectionString + $";Timeout={seconds};Command Timeout={seconds};Pooling=false");
            using var deadline = new CancellationTokenSource(timeout);
            await connection.OpenAsync(deadline.Token);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(deadline.Token);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return false;
        }
    }

    private static async Task ExecuteAsync(LocalPostgres postgres, string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<int> ScalarAsync(LocalPostgres postgres, string sql)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
