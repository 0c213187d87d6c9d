using Npgsql;
using PairDb.Client.Tooling;
using PairDb.Testing;

namespace PairDb.Integration.Tests.Outage.Harness;

/// <summary>
/// The PostgreSQL server of one outage test, run from the machine's binaries in a directory of the test's
/// own: the test stops it (the outage) and starts it again with its data on the same port, so the
/// coordinator's connection string stays valid. Never the assembly's shared server, which other
/// fixtures may be using meanwhile.
/// </summary>
internal sealed class OutagePostgres : IAsyncDisposable
{
    private const string DatabaseName = "pairdb";
    private readonly TestDirectory _directory;
    private readonly LocalPostgres _server;

    private OutagePostgres(TestDirectory directory, LocalPostgres server)
    {
        _directory = directory;
        _server = server;
        ConnectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = DatabaseName }.ConnectionString;
    }

    /// <summary>The metadata database the cluster is given (created on the first start).</summary>
    public string ConnectionString { get; }

    public bool Running { get; private set; }

    public static async Task<OutagePostgres> StartAsync()
    {
        if (PostgresBinaries.TryLocate() is null)
        {
            Assert.Ignore("an outage test stops its own PostgreSQL server: no PostgreSQL binaries (initdb, pg_ctl) on this machine");
        }
        var directory = TestDirectory.Create("outage-postgres");
        try
        {
            // Not durable: a fast shutdown still checkpoints, so a stop and a start keep every committed row.
            var server = await LocalPostgres.StartAsync(new LocalPostgresOptions { RootDirectory = directory.Path, Durable = false });
            await using (var connection = new NpgsqlConnection(server.ConnectionString))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
                await create.ExecuteNonQueryAsync();
            }
            return new OutagePostgres(directory, server) { Running = true };
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Fast shutdown: open sessions (the coordinator's) are cut, new connections refused.</summary>
    public async Task StopAsync()
    {
        await _server.StopAsync();
        Running = false;
        // The test process's own pooled connections died with the server.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>
    /// SIGSTOP (<paramref name="frozen"/>) or SIGCONT of the postmaster: while frozen, PostgreSQL is up but takes no new
    /// connection (the kernel queues it, nobody answers), the way a host too loaded to schedule it looks from outside.
    /// </summary>
    public async Task FreezeAsync(bool frozen)
    {
        var pid = File.ReadLines(Path.Combine(_server.DataDirectory, "postmaster.pid")).First().Trim();
        using var kill = System.Diagnostics.Process.Start("kill", [frozen ? "-STOP" : "-CONT", pid]);
        await kill.WaitForExitAsync();
        Assert.That(kill.ExitCode, Is.Zero, $"kill {(frozen ? "-STOP" : "-CONT")} {pid} (the postmaster)");
    }

    /// <summary>The same server again, same port and data.</summary>
    public async Task StartAgainAsync()
    {
        await _server.StartAgainAsync();
        NpgsqlConnection.ClearAllPools();
        Running = true;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _server.StopAsync();
        _directory.Dispose();
    }
}
