using Npgsql;
using PairDb.Client.Tooling;
using PairDb.Testing;

namespace PairDb.Client.Tests.Tooling;

// The shared fixture covers the throwaway path; this covers what `./pairdb up` relies on:
// a stopped server starts again from its directory with its data.
public sealed class LocalPostgresTests
{
    [Test]
    public async Task StartAsync_AfterStop_KeepsDataAndFreesPidFile()
    {
        if (PostgresBinaries.TryLocate() is null)
        {
            Assert.Ignore("no PostgreSQL binaries on this machine");
        }
        using var directory = TestDirectory.Create();
        var options = new LocalPostgresOptions { RootDirectory = directory.Path, Durable = false };

        var first = await LocalPostgres.StartAsync(options);
        await ExecuteAsync(first, "CREATE TABLE survives (id int); INSERT INTO survives VALUES (42)");
        await first.StopAsync();
        var pidFileAfterStop = File.Exists(Path.Combine(first.DataDirectory, "postmaster.pid"));

        await using var second = await LocalPostgres.StartAsync(options);
        var value = await ExecuteAsync(second, "SELECT id FROM survives");

        Assert.Multiple(() =>
        {
            Assert.That(pidFileAfterStop, Is.False);
            Assert.That(value, Is.EqualTo(42));
        });
    }

    [Test]
    public async Task StartAgainAsync_AfterStop_SamePortAndData()
    {
        if (PostgresBinaries.TryLocate() is null)
        {
            Assert.Ignore("no PostgreSQL binaries on this machine");
        }
        using var directory = TestDirectory.Create();
        await using var server = await LocalPostgres.StartAsync(new LocalPostgresOptions { RootDirectory = directory.Path, Durable = false });
        var connectionString = server.ConnectionString;
        await ExecuteAsync(server, "CREATE TABLE survives (id int); INSERT INTO survives VALUES (7)");
        await server.StopAsync();
        var refusedWhileStopped = Assert.ThrowsAsync<NpgsqlException>(() => ExecuteAsync(server, "SELECT 1"));

        await server.StartAgainAsync();
        var value = await ExecuteAsync(server, "SELECT id FROM survives");

        Assert.Multiple(() =>
        {
            Assert.That(refusedWhileStopped, Is.Not.Null, "the server is really down between stop and start");
            Assert.That(server.ConnectionString, Is.EqualTo(connectionString), "the same port: connection strings handed out before stay valid");
            Assert.That(value, Is.EqualTo(7));
        });
    }

    private static async Task<object?> ExecuteAsync(LocalPostgres server, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
